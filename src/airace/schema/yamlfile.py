"""Reading user-editable YAML files (rules, ledgers) with errors that name file and field.

Pydantic does the schema work; this module turns its errors into one readable line.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import yaml

from airace.errors import AiraceError
from airace.schema.dictionary import _Loader

if TYPE_CHECKING:
    from pydantic import BaseModel

M = TypeVar("M", bound="BaseModel")


# User YAML (ledgers, rules) is small: the bundled ledgers are ~25 kB and a few thousand
# nodes. These bounds stop a huge file or an alias bomb (a few hundred bytes whose aliases
# expand to billions of nodes) before anything walks the document.
MAX_YAML_BYTES = 1_000_000
MAX_YAML_NODES = 200_000


def read_yaml(path: Path) -> Any:
    """Load a user YAML file safely: size and alias expansion bounded, duplicate keys
    refused, every problem one AiraceError naming the file."""
    label = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise AiraceError("file not found", file=label) from None
    except OSError as exc:
        raise AiraceError(f"cannot read the file ({exc.strerror or exc})", file=label) from None
    import stat

    if stat.S_ISDIR(info.st_mode):
        raise AiraceError("is a folder, not a YAML file", file=label)
    if not stat.S_ISREG(info.st_mode):
        raise AiraceError("is not a regular file", file=label)
    if info.st_size > MAX_YAML_BYTES:
        raise AiraceError(
            f"{info.st_size:,} bytes is over the {MAX_YAML_BYTES:,}-byte limit for a YAML file",
            file=label,
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise AiraceError(
            f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=label
        ) from None
    except OSError as exc:
        raise AiraceError(f"cannot read the file ({exc.strerror or exc})", file=label) from None
    try:
        return load_bounded(text, label)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise AiraceError(f"malformed YAML{where}: {problem}", file=label) from None
    except RecursionError:
        raise AiraceError("malformed YAML: nested too deeply", file=label) from None


def load_bounded(
    text: str, label: str, max_nodes: int = MAX_YAML_NODES, loader_class: Any = _Loader
) -> Any:
    """Compose the document, count its nodes as aliases expand them (memoised, so a bomb is
    counted in microseconds), check mapping keys are unique, then construct it.

    ``loader_class`` is a safe loader; the default keeps dates as text (curated files),
    ``yaml.CSafeLoader`` reads them as dates (scenario files)."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_nodes(node, label, max_nodes)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _check_nodes(root: yaml.Node, label: str, max_nodes: int) -> None:
    sizes: dict[int, int] = {}

    def size(node: yaml.Node, depth: int) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        if depth > 200:
            raise AiraceError("YAML nested more than 200 levels deep", file=label)
        sizes[id(node)] = 1  # a recursive alias counts once instead of looping
        total = 1
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                    if key.value in seen:
                        raise AiraceError(
                            f"key {key.value!r} appears twice in one mapping "
                            f"(line {key.start_mark.line + 1})",
                            file=label,
                        )
                    seen.add(key.value)
                total += size(key, depth + 1) + size(value, depth + 1)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(item, depth + 1) for item in node.value)
        if total > max_nodes:
            raise AiraceError(
                f"the YAML expands to more than {max_nodes:,} nodes (an alias bomb?)",
                file=label,
            )
        sizes[id(node)] = total
        return total

    size(root, 0)


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
    from pydantic import ValidationError

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
