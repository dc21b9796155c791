"""Column declarations and cell parsers: one declaration drives import, export and the template.

A ledger (``anjian/<app>/ledger.py``) lists its :class:`Column` s. Each column names its
Chinese header, whether it is required (``*``), the parser that turns a cell into a value
(and back, for export), the labels of a choice column (the template's dropdown) and an
example value. Parsers raise :class:`CellError` with a Chinese reason; the engine turns
that into ``第N行 列名: 原因``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal, InvalidOperation
from typing import Any

from anjian.core.text import clean


class CellError(ValueError):
    """A cell that cannot be read; the message is the reason shown to the user."""


def cell_text(raw: Any) -> str:
    """A cell as text: numbers without a spurious '.0', strings NFKC-normalised and stripped.

    Excel stores 430626101 or a phone number typed without a leading apostrophe as a
    number; the ledger wants the digits the user sees.
    """
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else repr(raw)
    if isinstance(raw, dt.datetime):
        return raw.strftime("%Y-%m-%d %H:%M:%S") if raw.time() != dt.time() else raw.strftime("%Y-%m-%d")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return clean(str(raw))


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not clean(raw))


class Parser:
    """Cell → value for import, value → cell for export. ``labels``: the allowed choices, if any."""

    labels: Sequence[str] | None = None
    # Whether the template formats the column as text, so that Excel keeps codes' leading digits.
    as_text: bool = True
    default: Any = ""

    def __call__(self, raw: Any) -> Any:
        return cell_text(raw)

    def format(self, value: Any) -> Any:
        return "" if value is None else value


class Text(Parser):
    def __init__(self, max_length: int | None = None) -> None:
        self.max_length = max_length

    def __call__(self, raw: Any) -> str:
        value = cell_text(raw)
        if self.max_length is not None and len(value) > self.max_length:
            raise CellError(f"不能超过{self.max_length}个字（实际{len(value)}个）")
        return value


class Code(Parser):
    """Codes (区划代码, 信用代码, 行业代码): half-width, no spaces anywhere, upper case."""

    def __init__(self, max_length: int | None = None, digits: bool = False) -> None:
        self.max_length = max_length
        self.digits = digits

    def __call__(self, raw: Any) -> str:
        value = "".join(unicodedata.normalize("NFKC", cell_text(raw)).split()).upper()
        if self.digits and not value.isdigit():
            raise CellError(f"应为数字代码，实际为“{value}”")
        if self.max_length is not None and len(value) > self.max_length:
            raise CellError(f"不能超过{self.max_length}位（实际{len(value)}位）")
        return value


class Number(Parser):
    """A decimal number, quantised to the model field's places so a re-import compares equal."""

    as_text = False
    default = None

    def __init__(
        self,
        places: int | None = None,
        low: Decimal | int | None = None,
        high: Decimal | int | None = None,
        label: str = "",
    ) -> None:
        self.quantum = Decimal(1).scaleb(-places) if places is not None else None
        self.low = Decimal(low) if low is not None else None
        self.high = Decimal(high) if high is not None else None
        self.label = label

    def __call__(self, raw: Any) -> Decimal:
        text = cell_text(raw).replace(",", "")
        try:
            value = Decimal(text)
        except InvalidOperation as exc:
            raise CellError(f"应为数字，实际为“{text}”") from exc
        if not value.is_finite():
            raise CellError(f"应为数字，实际为“{text}”")
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            raise CellError(f"{self.label}应在 {self.low}—{self.high} 之间")
        if self.quantum is not None:
            value = value.quantize(self.quantum)
        return value

    def format(self, value: Any) -> Any:
        return "" if value is None else float(value)


class Integer(Parser):
    as_text = False
    default = None

    def __init__(self, low: int | None = 0, high: int | None = None) -> None:
        self.low = low
        self.high = high

    def __call__(self, raw: Any) -> int:
        text = cell_text(raw).replace(",", "")
        if not re.fullmatch(r"-?\d+", text):
            raise CellError(f"应为整数，实际为“{text}”")
        value = int(text)
        if self.low is not None and value < self.low:
            raise CellError(f"不能小于{self.low}")
        if self.high is not None and value > self.high:
            raise CellError(f"不能大于{self.high}")
        return value


_DATE_PATTERNS = [
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"),
]


class Date(Parser):
    """``2023-05-12``, ``2023/5/12``, ``2023年5月12日`` or an Excel date cell (ledgers.md)."""

    as_text = False
    default = None

    def __call__(self, raw: Any) -> dt.date:
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        text = cell_text(raw)
        # A time after the date (2023-05-12 00:00:00, as some exports write it) is dropped.
        head = text.split(" ")[0] if " " in text else text
        for pattern in _DATE_PATTERNS:
            match = pattern.fullmatch(head)
            if match:
                try:
                    return dt.date(*(int(g) for g in match.groups()))
                except ValueError as exc:
                    raise CellError(f"日期“{text}”不存在") from exc
        raise CellError(f"日期格式应为 2023-05-12、2023/5/12 或 2023年5月12日，实际为“{text}”")

    def format(self, value: Any) -> Any:
        return "" if value is None else value


class Boolean(Parser):
    labels = ("是", "否")
    default = False

    def __call__(self, raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        text = cell_text(raw)
        if text == "是":
            return True
        if text == "否":
            return False
        raise CellError(f"应为 是 或 否，实际为“{text}”")

    def format(self, value: Any) -> Any:
        return "是" if value else "否"


class Choice(Parser):
    """A choice column: accepts the Chinese labels only, and names them when it does not."""

    def __init__(self, options: Mapping[str, Any], default: Any = "") -> None:
        self.options = dict(options)
        self.labels = tuple(self.options)
        self.reverse = {v: k for k, v in self.options.items()}
        self.default = default

    def __call__(self, raw: Any) -> Any:
        text = cell_text(raw)
        if text in self.options:
            return self.options[text]
        # Case only: 'b' for 'B' is what the user meant.
        for label, value in self.options.items():
            if label.upper() == text.upper():
                return value
        raise CellError(f"应为 {'、'.join(self.options)} 之一，实际为“{text}”")

    def format(self, value: Any) -> Any:
        return self.reverse.get(value, "" if value is None else value)


def normalise_header(text: Any) -> str:
    """'单位名称*', ' 单位名称 ', '单位名称＊' and '单 位 名 称' all name the same column."""
    value = unicodedata.normalize("NFKC", cell_text(text))
    return "".join(value.split()).rstrip("*")


@dataclass(frozen=True)
class Column:
    """One column of a ledger: header, requiredness, parser, choices, export getter, example."""

    header: str
    field: str
    parse: Parser = dataclass_field(default_factory=Text)  # `field` is the column attribute here
    required: bool = False
    # Choice labels for the template's dropdown when they are not the parser's (e.g. read from
    # the database, like 行业领域). A callable is evaluated when the template is written.
    choices: Sequence[str] | Callable[[], Sequence[str]] | None = None
    # obj -> cell value for export; by default the parser formats ``getattr(obj, field)``.
    export: Callable[[Any], Any] | None = None
    note: str = ""
    width: int = 14
    aliases: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        """The header as written in templates and exports: '单位名称*' for a required column."""
        return f"{self.header}*" if self.required else self.header

    def labels(self) -> list[str]:
        choices = self.choices
        if choices is None:
            return list(self.parse.labels or ())
        if isinstance(choices, Sequence):
            return list(choices)
        return list(choices())

    def value_of(self, obj: Any) -> Any:
        if self.export is not None:
            value = self.export(obj)
        else:
            value = self.parse.format(getattr(obj, self.field))
        return "" if value is None else value
