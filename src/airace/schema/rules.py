"""Counting rules: declarative YAML that says which releases count and how launches collapse.

A claim like "DeepSeek launched 1 model, OpenAI 5" is only meaningful under a counting rule.
Rules are data, not code, so users can write their own and every count names its rule.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from airace.errors import AiraceError
from airace.schema.dictionary import check_slug, data_dir, load_dictionary
from airace.schema.yamlfile import parse_model, read_yaml

Scalar = str | bool | int | float
Condition = dict[str, Scalar | list[Scalar]]


class Collapse(BaseModel):
    """Launches of the same group (org + ``by`` columns) close together count once."""

    model_config = ConfigDict(extra="forbid")
    by: list[str] = Field(default_factory=lambda: ["family_id"])
    within_days: int | None = Field(
        default=None,
        ge=0,
        description="A launch at most this many days after the previous launch of the same "
        "group collapses into it; null counts each group once per window.",
    )


class CountingRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    title: str
    description: str
    include: Condition = Field(default_factory=dict)
    exclude: Condition = Field(default_factory=dict)
    collapse: Collapse | None = None

    _slug = field_validator("name")(check_slug)

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


def _check_fields(rule: CountingRule, path: Path) -> None:
    """Conditions must name release columns and use values those columns can hold."""
    from airace.schema.tables import load_meta

    dictionary = load_dictionary()
    release_cols = set(load_meta("releases").columns)
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


def load_rule_file(path: Path) -> CountingRule:
    data: Any = read_yaml(path)
    if not isinstance(data, dict):
        raise AiraceError("a counting rule must be a YAML mapping", file=str(path))
    rule = parse_model(CountingRule, data, path)
    _check_fields(rule, path)
    return rule


def rules_dir() -> Path:
    return data_dir() / "rules"


@cache
def bundled_rules() -> tuple[CountingRule, ...]:
    """The bundled rules, ordered from strictest to loosest (their file names sort so)."""
    return tuple(load_rule_file(p) for p in sorted(rules_dir().glob("*.yaml")))


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
