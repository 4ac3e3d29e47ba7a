"""Reading user-editable YAML files (rules, ledgers) with errors that name file and field.

Pydantic does the schema work; this module turns its errors into one readable line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from airace.errors import AiraceError
from airace.schema.dictionary import load_yaml

M = TypeVar("M", bound=BaseModel)


def read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AiraceError("file not found", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise AiraceError(
            f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=str(path)
        ) from None
    try:
        return load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise AiraceError(f"malformed YAML{where}: {problem}", file=str(path)) from None


def location(loc: tuple[Any, ...]) -> str:
    """Pydantic error location as a dotted path (``claims[2].check.params``)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def parse_model(model: type[M], data: Any, path: Path, row: str | None = None) -> M:
    """Validate ``data`` against ``model``; raise one AiraceError naming the first problem."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = location(tuple(err["loc"]))
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown field"
        elif err["type"] == "missing":
            message = "required field is missing"
        raise AiraceError(message, file=str(path), row=row, field=loc or None) from None
