"""Counting rules: declarative YAML that says which releases count and how launches collapse.

A claim like "DeepSeek launched 1 model, OpenAI 5" is only meaningful under a counting rule.
Rules are data, not code, so users can write their own and every count names its rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from airace.errors import AiraceError
from airace.schema.dictionary import check_slug, data_dir, load_dictionary
from airace.schema.yamlfile import read_yaml

Scalar = str | bool | int | float
Condition = dict[str, Scalar | list[Scalar]]


@dataclass(frozen=True)
class Collapse:
    """Launches of the same group (org + ``by`` columns) close together count once.

    ``within_days``: a launch at most this many days after the previous launch of the same
    group collapses into it; None counts each group once per window.
    """

    by: list[str] = field(default_factory=lambda: ["family_id"])
    within_days: int | None = None


@dataclass(frozen=True)
class CountingRule:
    name: str
    title: str
    description: str
    include: Condition = field(default_factory=dict)
    exclude: Condition = field(default_factory=dict)
    collapse: Collapse | None = None

    def columns(self) -> set[str]:
        """Release columns the rule needs; a source without them cannot use the rule."""
        cols = set(self.include) | set(self.exclude) | {"release_date", "org_id", "model_id"}
        if self.collapse:
            cols |= set(self.collapse.by)
        return cols

    def describe(self) -> str:
        parts = []
        for key, cond in (("include", self.include), ("exclude", self.exclude)):
            for col, val in cond.items():
                shown = ", ".join(map(str, val)) if isinstance(val, list) else str(val)
                parts.append(
                    f"{key} {col} in [{shown}]"
                    if isinstance(val, list)
                    else f"{key} {col} = {shown}"
                )
        if self.collapse:
            within = (
                "once per window"
                if self.collapse.within_days is None
                else f"within {self.collapse.within_days} days"
            )
            parts.append(f"collapse by {'+'.join(self.collapse.by)} {within}")
        return "; ".join(parts) or "every release"


# The shape of a rule file, checked by hand: a rule is read on every cadence query, and
# importing a validation library for six keys would cost more than the query itself.
_RULE_KEYS = ("name", "title", "description", "include", "exclude", "collapse")
_REQUIRED = ("name", "title", "description")


def _shape_error(path: Path, field_name: str, message: str) -> AiraceError:
    return AiraceError(message, file=str(path), field=field_name)


def _mapping(value: Any, path: Path, field_name: str) -> dict[str, Any]:
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise _shape_error(path, field_name, "must be a mapping of column names")
    return value


def _condition(value: Any, path: Path, field_name: str) -> Condition:
    cond = _mapping({} if value is None else value, path, field_name)
    for col, val in cond.items():
        items = val if isinstance(val, list) else [val]
        if not all(isinstance(v, (str, bool, int, float)) for v in items):
            raise _shape_error(path, f"{field_name}.{col}", "must be a value or a list of values")
    return cond


def _collapse(value: Any, path: Path) -> Collapse | None:
    if value is None:
        return None
    data = _mapping(value, path, "collapse")
    for key in data:
        if key not in ("by", "within_days"):
            raise _shape_error(path, f"collapse.{key}", "unknown field")
    by = data.get("by", ["family_id"])
    if not isinstance(by, list) or not all(isinstance(c, str) for c in by):
        raise _shape_error(path, "collapse.by", "must be a list of column names")
    within = data.get("within_days")
    if within is not None:
        if isinstance(within, bool) or not isinstance(within, int):
            raise _shape_error(path, "collapse.within_days", "must be a whole number or null")
        if within < 0:
            raise _shape_error(path, "collapse.within_days", "must be greater than or equal to 0")
    return Collapse(by=by, within_days=within)


def parse_rule(data: dict[str, Any], path: Path) -> CountingRule:
    """A CountingRule from a parsed YAML mapping; one AiraceError naming the first problem."""
    for key in data:
        if key not in _RULE_KEYS:
            raise _shape_error(path, str(key), "unknown field")
    for key in _REQUIRED:
        if key not in data:
            raise _shape_error(path, key, "required field is missing")
        if not isinstance(data[key], str):
            raise _shape_error(path, key, "must be text")
    try:
        check_slug(data["name"])
    except ValueError as exc:
        raise _shape_error(path, "name", str(exc)) from None
    return CountingRule(
        name=data["name"],
        title=data["title"],
        description=data["description"],
        include=_condition(data.get("include"), path, "include"),
        exclude=_condition(data.get("exclude"), path, "exclude"),
        collapse=_collapse(data.get("collapse"), path),
    )


def _type_problem(ftype: str, value: Scalar) -> str | None:
    """Why a condition value can never equal a cell of a column of this type (a mismatch
    would silently match no row and count 0), or None."""
    import datetime as dt
    import math

    if ftype == "bool":
        return None if isinstance(value, bool) else "is not true or false"
    if isinstance(value, bool):
        return "is a boolean"
    if ftype == "int":
        return None if isinstance(value, int) else "is not a whole number"
    if ftype == "float":
        ok = isinstance(value, (int, float)) and math.isfinite(value)
        return None if ok else "is not a finite number"
    if not isinstance(value, str):
        return "is not text"
    if ftype == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return "is not a date (YYYY-MM-DD)"
    return None


def _release_columns() -> set[str]:
    from airace.schema.tables import load_meta

    return set(load_meta("releases").columns)


def _check_fields(rule: CountingRule, path: Path, release_cols: set[str] | None = None) -> None:
    """Conditions must name release columns and use values those columns can hold."""
    dictionary = load_dictionary()
    release_cols = release_cols if release_cols is not None else _release_columns()
    for key, cond in (("include", rule.include), ("exclude", rule.exclude)):
        for col, val in cond.items():
            if col not in release_cols:
                raise AiraceError(
                    f"{col!r} is not a releases column", file=str(path), field=f"{key}.{col}"
                )
            f = dictionary[col]
            values = val if isinstance(val, list) else [val]
            if not values:
                raise AiraceError(
                    "an empty list matches nothing; give at least one value",
                    file=str(path),
                    field=f"{key}.{col}",
                )
            for v in values:
                problem = _type_problem(f.type, v)
                if problem:
                    raise AiraceError(
                        f"{v!r} {problem}; the column holds {f.type} values",
                        file=str(path),
                        field=f"{key}.{col}",
                    )
                if f.type in {"enum", "set"} and str(v) not in f.values:
                    raise AiraceError(
                        f"{v!r} is not one of: {', '.join(f.values)}",
                        file=str(path),
                        field=f"{key}.{col}",
                    )
                if f.type == "bool" and not isinstance(v, bool):
                    raise AiraceError(
                        f"{v!r} is not true or false", file=str(path), field=f"{key}.{col}"
                    )
    if rule.collapse:
        for col in rule.collapse.by:
            if col not in release_cols:
                raise AiraceError(
                    f"{col!r} is not a releases column", file=str(path), field="collapse.by"
                )


def load_rule_file(path: Path, release_cols: set[str] | None = None) -> CountingRule:
    data: Any = read_yaml(path)
    if not isinstance(data, dict):
        raise AiraceError("a counting rule must be a YAML mapping", file=str(path))
    rule = parse_rule(data, path)
    _check_fields(rule, path, release_cols)
    return rule


def rules_dir() -> Path:
    return data_dir() / "rules"


@cache
def bundled_rules() -> tuple[CountingRule, ...]:
    """The bundled rules, ordered from strictest to loosest (their file names sort so)."""
    cols = _release_columns()
    return tuple(load_rule_file(p, cols) for p in sorted(rules_dir().glob("*.yaml")))


def resolve_rule(name_or_path: str) -> CountingRule:
    """A bundled rule by name, or a rule file by path."""
    for rule in bundled_rules():
        if rule.name == name_or_path:
            return rule
    path = Path(name_or_path)
    if path.suffix in {".yaml", ".yml"} or path.exists():
        return load_rule_file(path)
    names = ", ".join(r.name for r in bundled_rules())
    raise AiraceError(
        f"unknown rule {name_or_path!r}; bundled rules: {names} "
        "(or give a path to a rule .yaml file)"
    )
