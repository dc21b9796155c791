"""Reads of the inbox. A message belongs to its recipient only: anyone else gets a 404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from anjian.notifications.models import Message, SentSms

if TYPE_CHECKING:
    from anjian.accounts.models import User


def unread_count(user: User) -> int:
    """Unread messages of ``user``, for the navigation badge (one indexed COUNT)."""
    if not user.is_authenticated:
        return 0
    return Message.objects.filter(recipient=user, read_at__isnull=True).count()


def inbox(user: User, *, unread_only: bool = False) -> QuerySet[Message]:
    qs = Message.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def message_get(user: User, pk: int | str) -> Message:
    message = Message.objects.filter(recipient=user, pk=pk).first()
    if message is None:
        raise Http404("未找到该消息")
    return message


def undigested(user: User) -> QuerySet[Message]:
    """Messages not yet carried by a daily digest, oldest first (the order they happened)."""
    return Message.objects.filter(recipient=user, digest_sent_at__isnull=True).order_by("created_at", "id")


def sms_log() -> QuerySet[SentSms]:
    return SentSms.objects.order_by("-created_at", "-id")
