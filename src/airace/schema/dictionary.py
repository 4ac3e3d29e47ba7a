"""The field dictionary: one definition per column name, shared by every table.

DESIGN convention 1 says the same quantity has the same name in every table; keeping a
single dictionary (``data/fields.yaml``) makes that checkable. Each field has a type that
knows how to parse a CSV cell and explain why a cell is wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
LIST_SEP = ";"

TYPES = {
    "string",
    "text",
    "slug",
    "date",
    "int",
    "float",
    "bool",
    "enum",
    "set",
    "list",
    "url",
    "country",
}


class CellError(ValueError):
    """A cell that does not fit its field's type; the message says what was expected."""


def check_slug(value: str) -> str:
    """Validator for ids in YAML files (rule names, claim ids)."""
    if not SLUG_RE.match(value):
        raise ValueError("must be a lowercase id (letters, digits, '.', '_', '-')")
    return value


def parse_date(text: str) -> dt.date:
    if not DATE_RE.match(text):
        raise CellError(f"{text!r} is not a date in YYYY-MM-DD form")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CellError(f"{text!r} is not a real calendar date ({exc})") from None


@cache
def _countries() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries)


@dataclass(frozen=True)
class Field:
    """One column definition from the field dictionary."""

    name: str
    type: str
    description: str
    unit: str | None = None
    values: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    value_descriptions: dict[str, str] = field(default_factory=dict)

    def parse(self, text: str) -> Any:
        """Parse one non-empty CSV cell into a Python value, or raise CellError."""
        parser = _PARSERS[self.type]
        value = parser(self, text)
        if self.type in {"int", "float"}:
            if self.min is not None and value < self.min:
                raise CellError(f"{value} is below the minimum {self.min:g}")
            if self.max is not None and value > self.max:
                raise CellError(f"{value} is above the maximum {self.max:g}")
        return value


def _parse_string(f: Field, text: str) -> str:
    if text != text.strip():
        raise CellError(f"{text!r} has leading or trailing spaces")
    return text


def _parse_slug(f: Field, text: str) -> str:
    if not SLUG_RE.match(text):
        raise CellError(f"{text!r} is not a lowercase id (letters, digits, '.', '_', '-')")
    return text


def _parse_int(f: Field, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise CellError(f"{text!r} is not a whole number") from None


def _parse_float(f: Field, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CellError(f"{text!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise CellError(f"{text!r} is not a finite number")
    return value


def _parse_bool(f: Field, text: str) -> bool:
    lowered = text.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise CellError(f"{text!r} is not true or false")


def _parse_enum(f: Field, text: str) -> str:
    if text not in f.values:
        raise CellError(f"{text!r} is not one of: {', '.join(f.values)}")
    return text


def _parse_set(f: Field, text: str) -> tuple[str, ...]:
    items = tuple(part.strip() for part in text.split(LIST_SEP))
    bad = [item for item in items if item not in f.values]
    if bad:
        raise CellError(f"{', '.join(map(repr, bad))} not among: {', '.join(f.values)}")
    if len(set(items)) != len(items):
        raise CellError(f"{text!r} repeats a value")
    return items


def _parse_list(f: Field, text: str) -> tuple[str, ...]:
    items = tuple(part.strip() for part in text.split(LIST_SEP))
    if any(not item for item in items):
        raise CellError(f"{text!r} has an empty item between ';' separators")
    return items


def _parse_url(f: Field, text: str) -> str:
    if not URL_RE.match(text):
        raise CellError(f"{text!r} is not an http(s) URL")
    return text


def _parse_country(f: Field, text: str) -> str:
    if text not in _countries():
        raise CellError(f"{text!r} is not an ISO 3166-1 alpha-2 country code")
    return text


_PARSERS: dict[str, Callable[[Field, str], Any]] = {
    "string": _parse_string,
    "text": lambda f, t: t,
    "slug": _parse_slug,
    "date": lambda f, t: parse_date(t),
    "int": _parse_int,
    "float": _parse_float,
    "bool": _parse_bool,
    "enum": _parse_enum,
    "set": _parse_set,
    "list": _parse_list,
    "url": _parse_url,
    "country": _parse_country,
}


def data_dir() -> Path:
    """The folder of curated data shipped inside the package."""
    return Path(__file__).resolve().parent.parent / "data"


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe loader that leaves dates as text, so the schema (not YAML) validates them and a
    bad date is reported with its field instead of crashing the parser."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str) -> Any:
    """Safe YAML load, with libyaml's C parser when it is installed (10x faster)."""
    return yaml.load(text, Loader=_Loader)


def load_dictionary(path: Path | None = None) -> dict[str, Field]:
    """Read ``fields.yaml`` into Field objects, checking the dictionary itself."""
    return _load_dictionary((path or data_dir() / "fields.yaml").resolve())


@cache
def _load_dictionary(path: Path) -> dict[str, Field]:
    raw = load_yaml(path.read_text(encoding="utf-8"))
    fields: dict[str, Field] = {}
    for name, spec in (raw.get("fields") or {}).items():
        ftype = spec.get("type")
        if ftype not in TYPES:
            raise ValueError(f"{path}: field {name!r} has unknown type {ftype!r}")
        values = spec.get("values") or []
        value_descriptions: dict[str, str] = {}
        if isinstance(values, dict):
            value_descriptions = {str(k): str(v) for k, v in values.items()}
            values = list(values)
        if ftype in {"enum", "set"} and not values:
            raise ValueError(f"{path}: field {name!r} of type {ftype} needs values")
        fields[name] = Field(
            name=name,
            type=ftype,
            description=str(spec.get("description", "")).strip(),
            unit=spec.get("unit"),
            values=tuple(str(v) for v in values),
            min=None if spec.get("min") is None else float(spec["min"]),
            max=None if spec.get("max") is None else float(spec["max"]),
            value_descriptions=value_descriptions,
        )
    return fields
