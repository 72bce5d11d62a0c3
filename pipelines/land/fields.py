"""Typed fields of the drop-zone contract: each knows its Arrow type and how to read a raw value.

A source is a list of :class:`Field`; one declaration gives both the bronze schema and the
validation, so the contract's rules live here once. Reading a value returns it typed or raises
:class:`BadValue` with a sentence an operator can act on.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pyarrow as pa

from pipelines.vocabulary import CLASSIFICATIONS, COUNTRIES, DEFAULT_CLASSIFICATION, SECRETARIAT


class BadValue(ValueError):
    """A raw value that breaks the contract; its message is the quarantine reason."""


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise BadValue(f"expected text, got {type(value).__name__}")
    text = str(value).strip()
    return text or None


def _country(value: Any, allow_secretariat: bool = False) -> str | None:
    text = _text(value)
    if text is None:
        return None
    code = text.upper()
    if code in COUNTRIES or (allow_secretariat and code == SECRETARIAT):
        return code
    raise BadValue(f"unknown country code {text!r}")


def _iso_date(value: Any) -> dt.date | None:
    text = _text(value)
    if text is None:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise BadValue(f"date {text!r} is not YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadValue(f"impossible date {text!r}") from None


_PARTIAL_DATE = re.compile(r"(\d{4})(?:[/-](\d{1,2}))?(?:[/-](\d{1,2}))?")


def partial_date(value: Any) -> str | None:
    """A date of birth as written (``1979/03/14``, ``1979/03``, ``1979``) in ISO form, checked."""
    text = _text(value)
    if text is None:
        return None
    match = _PARTIAL_DATE.fullmatch(text)
    if not match:
        raise BadValue(f"date {text!r} is not YYYY/MM/DD, YYYY/MM or YYYY")
    year, month, day = match.groups()
    try:
        if day:
            return dt.date(int(year), int(month), int(day)).isoformat()
        if month:
            dt.date(int(year), int(month), 1)
            return f"{year}-{int(month):02d}"
    except ValueError:
        raise BadValue(f"impossible date {text!r}") from None
    if not 1850 <= int(year) <= dt.date.today().year + 1:
        raise BadValue(f"impossible year {text!r}")
    return year


def _timestamp(value: Any) -> dt.datetime | None:
    text = _text(value)
    if text is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadValue(f"timestamp {text!r} is not ISO 8601") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.astimezone(dt.timezone.utc)


def _float(value: Any) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise BadValue(f"{value!r} is not a number") from None


def _int(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        raise BadValue(f"{value!r} is not a whole number") from None


@dataclass(frozen=True)
class Kind:
    """How a scalar is read from JSON or CSV, and its Arrow type."""

    name: str
    arrow: pa.DataType
    read: Callable[[Any], Any]


TEXT = Kind("text", pa.string(), _text)
COUNTRY = Kind("country", pa.string(), _country)
OWNER = Kind("owner country", pa.string(), lambda v: _country(v, allow_secretariat=True))
DATE = Kind("date", pa.date32(), _iso_date)
PARTIAL_DATE = Kind("partial date", pa.string(), partial_date)
TIMESTAMP = Kind("timestamp", pa.timestamp("us", tz="UTC"), _timestamp)
FLOAT = Kind("number", pa.float64(), _float)
INT = Kind("integer", pa.int32(), _int)


def enum(*values: str, upper: bool = False) -> Kind:
    allowed = frozenset(values)

    def read(value: Any) -> str | None:
        text = _text(value)
        if text is None:
            return None
        text = text.upper() if upper else text.lower()
        if text not in allowed:
            raise BadValue(f"unknown code {value!r} (expected one of {', '.join(sorted(allowed))})")
        return text

    return Kind("code", pa.string(), read)


CLASSIFICATION = enum(*CLASSIFICATIONS)


@dataclass(frozen=True)
class Field:
    """One contract field. ``many`` holds a list; ``members`` makes it a list of structs."""

    name: str
    kind: Kind = TEXT
    required: bool = False
    many: bool = False
    members: tuple[Field, ...] = ()
    default: Any = None

    @property
    def arrow(self) -> pa.DataType:
        if self.members:
            return pa.list_(pa.struct([pa.field(m.name, m.arrow) for m in self.members]))
        return pa.list_(self.kind.arrow) if self.many else self.kind.arrow

    def read(self, raw: Any, list_separator: str | None = None) -> Any:
        """The typed value of ``raw``; CSV lists arrive as text split on ``list_separator``."""
        try:
            value = self._read(raw, list_separator)
        except BadValue as exc:
            raise BadValue(f"{self.name}: {exc}") from None
        if value is None or value == []:
            if self.required:
                raise BadValue(f"required field {self.name!r} is missing")
            return self.default if value is None else value
        return value

    @cached_property
    def json_type(self) -> str:
        """The JSON type the contract promises for this field (asked of every value landed: kept).

        Kinds compare by value: a spec reaches Spark's Python workers pickled, as copies.
        """
        if self.members:
            return "list of objects"
        if self.many:
            return "list"
        return "number" if self.kind in (FLOAT, INT) else "text"

    def _read(self, raw: Any, sep: str | None) -> Any:
        if self.members:
            if raw is None:
                return []
            if isinstance(raw, dict):  # one object where the contract has a list of them: drift, kept
                raw = [raw]
            if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
                raise BadValue("expected a list of objects")
            return [{m.name: m.read(item.get(m.name)) for m in self.members} for item in raw]
        if self.many:
            if raw is None:
                return []
            if isinstance(raw, str) and sep is not None:
                raw = raw.split(sep)
            elif isinstance(raw, (str, int, float)):  # one value where the contract has a list: drift, kept
                raw = [raw]
            if not isinstance(raw, list):
                raise BadValue("expected a list")
            return [v for v in (self.kind.read(item) for item in raw) if v is not None]
        return self.kind.read(raw)


def json_type(value: Any) -> str:
    """The JSON type of a parsed value, in the words :attr:`Field.json_type` uses."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "list of objects" if value and all(isinstance(v, dict) for v in value) else "list"
    return "text"


ACCESS_FIELDS: tuple[Field, ...] = (
    Field("owner_country", OWNER, required=True),
    Field("restricted_to", COUNTRY, many=True),
    Field("classification", CLASSIFICATION, default=DEFAULT_CLASSIFICATION),
)


def arrow_fields(fields: tuple[Field, ...] | list[Field]) -> list[pa.Field]:
    return [pa.field(f.name, f.arrow) for f in fields]


@dataclass(frozen=True)
class SourceSpec:
    """The contract of one source: its fields, its id field and how its files are read."""

    name: str
    fmt: str  # "jsonl" | "csv" | "eml"
    id_field: str
    fields: tuple[Field, ...]
    list_separator: str | None = None
    csv_columns: tuple[str, ...] = field(default=())
