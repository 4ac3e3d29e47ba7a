"""Counting rule files: the bundled ones load; a broken user file gets one clear error."""

from pathlib import Path

import pytest

from airace.errors import AiraceError
from airace.schema.rules import bundled_rules, load_rule_file, resolve_rule


def test_bundled_rules_strict_to_loose():
    names = [r.name for r in bundled_rules()]
    assert names == [
        "main-generations",
        "main-versions",
        "main-launches",
        "named-models",
        "every-release",
    ]
    for rule in bundled_rules():
        assert rule.description.strip() and rule.title.strip()


def test_resolve_by_name_and_path(tmp_path: Path):
    assert resolve_rule("main-versions").collapse.within_days == 7  # type: ignore[union-attr]
    path = tmp_path / "mine.yaml"
    path.write_text(
        "name: open-only\ntitle: Open weights\ndescription: x\ninclude:\n  is_open_weights: true\n",
        encoding="utf-8",
    )
    rule = resolve_rule(str(path))
    assert rule.name == "open-only" and rule.include == {"is_open_weights": True}


@pytest.mark.parametrize(
    ("text", "field", "fragment"),
    [
        (
            "name: x\ntitle: t\ndescription: d\ninclude:\n  colour: red\n",
            "include.colour",
            "not a releases column",
        ),
        (
            "name: x\ntitle: t\ndescription: d\ninclude:\n  release_type: [flagship]\n",
            "include.release_type",
            "'flagship' is not one of",
        ),
        (
            "name: x\ntitle: t\ndescription: d\ninclude:\n  is_main_line: maybe\n",
            "include.is_main_line",
            "not true or false",
        ),
        (
            "name: x\ntitle: t\ndescription: d\ncollapse:\n  by: [nope]\n",
            "collapse.by",
            "not a releases column",
        ),
        (
            "name: x\ntitle: t\ndescription: d\ncollapse:\n  within_days: -1\n",
            "collapse.within_days",
            "greater than or equal to 0",
        ),
        ("name: x\ntitle: t\n", "description", "required field is missing"),
        ("name: X Y\ntitle: t\ndescription: d\n", "name", "lowercase id"),
        ("name: x\ntitle: t\ndescription: d\ncolour: red\n", "colour", "unknown field"),
    ],
)
def test_invalid_rule_files(tmp_path: Path, text: str, field: str, fragment: str):
    path = tmp_path / "rule.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AiraceError) as info:
        load_rule_file(path)
    assert info.value.field == field
    assert fragment in info.value.message
    assert str(path) in info.value.line()


def test_malformed_yaml_names_line(tmp_path: Path):
    path = tmp_path / "rule.yaml"
    path.write_text("name: x\ninclude: [unclosed\n", encoding="utf-8")
    with pytest.raises(AiraceError, match=r"malformed YAML at line \d+"):
        load_rule_file(path)


def test_unknown_rule_name_lists_bundled():
    with pytest.raises(AiraceError, match="bundled rules: main-generations"):
        resolve_rule("strictest")
