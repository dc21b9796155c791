"""The roles of the platform and what each may do (one place).

Scope (which records) is decided by ``anjian.core.scope``; this module decides
which *kinds* of action a role may take on what it can see.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", "县级管理员"
    DEPARTMENT = "department", "部门监管员"
    TOWNSHIP = "township", "乡镇监管员"
    GRID_WORKER = "grid_worker", "网格员"
    UNIT_STAFF = "unit_staff", "单位安全员"
    EXPERT = "expert", "专家"
    LEADER = "leader", "领导(只读)"
    AUDITOR = "auditor", "审计员"
    SYSADMIN = "sysadmin", "系统管理员"


# Who may add, edit and deactivate units in the registry (within their scope).
UNIT_EDITORS = frozenset({Role.COUNTY_ADMIN, Role.DEPARTMENT, Role.TOWNSHIP})
# Who may import/export ledgers. Export is a read and follows scope; import is a write.
LEDGER_IMPORTERS = UNIT_EDITORS
# Who may assign 包联 responsibilities.
ASSIGNERS = frozenset({Role.COUNTY_ADMIN})
# Who reads the audit trail (三员分立: the auditor reads it, nobody edits it).
AUDIT_READERS = frozenset({Role.AUDITOR})
# Who manages accounts.
ACCOUNT_ADMINS = frozenset({Role.SYSADMIN, Role.COUNTY_ADMIN})


def can(role: str, permission: frozenset[Role]) -> bool:
    return role in permission
