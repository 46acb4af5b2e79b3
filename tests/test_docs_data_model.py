"""docs/data-model.md must describe every table (input and derived), column and vocabulary value."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path

import pytest

from clientalytics import enums, records, schema

DOC = Path(__file__).resolve().parents[1] / "docs" / "data-model.md"
TEXT = DOC.read_text(encoding="utf-8")
ENUMS = [
    obj
    for obj in vars(enums).values()
    if isinstance(obj, type) and issubclass(obj, StrEnum) and obj.__module__ == enums.__name__
]


def _table_section(table: str) -> str:
    match = re.search(rf"^### `{table}`\n(.*?)(?=^##)", TEXT, flags=re.S | re.M)
    assert match, f"docs/data-model.md has no section '### `{table}`'"
    return match.group(1)


def _column_rows(section: str) -> dict[str, list[str]]:
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| `") and len(cells) == 6:
            rows[cells[0].strip("`")] = cells[1:]
    return rows


ALL_TABLES = [*schema.SCHEMAS, *schema.DERIVED_SCHEMAS]


def test_input_and_derived_tables_are_apart():
    assert not set(schema.SCHEMAS) & set(schema.DERIVED_SCHEMAS)
    derived = TEXT[TEXT.index("## Derived tables") : TEXT.index("## Vocabularies")]
    for table in schema.SCHEMAS:
        assert f"### `{table}`" not in derived, table
    for table in schema.DERIVED_SCHEMAS:
        assert f"### `{table}`" in derived, table


@pytest.mark.parametrize("table", ALL_TABLES)
def test_every_column_is_documented_with_its_contract(table: str):
    spec = schema.get_schema(table)
    rows = _column_rows(_table_section(table))
    assert list(rows) == spec.column_names
    for column in spec.columns:
        kind, required, nullable, constraint, meaning = rows[column.name]
        assert kind == column.kind, column.name
        assert required == ("yes" if column.required else "no"), column.name
        assert nullable == ("yes" if column.nullable else "no"), column.name
        assert meaning == column.description, column.name
        if column.unique:
            assert "unique" in constraint, column.name
        if column.references:
            assert f"`{column.references}." in constraint, column.name
        for bound in (column.minimum, column.maximum):
            if bound is not None:
                assert f"{bound:g}" in constraint, column.name
        for value in column.allowed or ():
            assert f"`{value}`" in constraint, column.name


@pytest.mark.parametrize("table", ALL_TABLES)
def test_row_rules_are_documented(table: str):
    section = _table_section(table)
    spec = schema.get_schema(table)
    for rule in spec.order_rules:
        relation = "strictly before" if rule.strict else "not after"
        assert f"`{rule.earlier}` {relation} `{rule.later}`" in section
    for need in spec.required_when:
        values = ", ".join(f"`{v}`" for v in need.values)
        assert f"`{need.column}` required when `{need.status_column}` is {values}" in section


@pytest.mark.parametrize("enum", ENUMS, ids=lambda e: e.__name__)
def test_every_vocabulary_value_is_documented(enum: type[StrEnum]):
    match = re.search(rf"^### `{enum.__name__}`.*?\n(.*?)(?=^##)", TEXT, flags=re.S | re.M)
    assert match, f"no section for {enum.__name__}"
    documented = re.findall(r"^\| `([a-z_]+)` \|", match.group(1), flags=re.M)
    assert documented == [member.value for member in enum]


def test_contract_lifecycle_matches_transitions():
    diagram = re.search(r"```mermaid\n(.*?)```", TEXT, flags=re.S)
    assert diagram
    arrows = set(re.findall(r"^\s*([a-z_]+) --> ([a-z_]+)$", diagram.group(1), flags=re.M))
    expected = {
        (s.value, t.value) for s, targets in enums.CONTRACT_TRANSITIONS.items() for t in targets
    }
    assert arrows == expected
    for source, targets in enums.CONTRACT_TRANSITIONS.items():
        listed = ", ".join(f"`{t}`" for t in sorted(targets, key=list(enums.ContractStatus).index))
        assert f"| `{source}` | {listed or 'none'} |" in TEXT


def test_policy_lines_and_public_names_are_present():
    assert (
        "Negative revenue is a credit note; see the validation guide for how it is netted" in TEXT
    )
    assert "Numbers are converted to text" in TEXT
    for name in records.__all__:
        assert f"`{name}" in TEXT, name


def synonyms_section() -> str:
    """The "Header synonyms" section as docs/data-model.md must hold it."""
    from clientalytics.mapping import SYNONYMS

    lines = [
        "## Header synonyms",
        "",
        "A file's headers are matched to these columns case-insensitively, with `ё` read as",
        "`е` and spaces, underscores and punctuation ignored; a column's own name always",
        "matches. A mapping (`mapping=` / `--mapping`) or a preset overrides them; two",
        "headers that match one column are an error. See [Your own data](your-own-data.md).",
        "",
    ]
    for table, columns in SYNONYMS.items():
        lines += [f"#### Synonyms of `{table}`", "", "| column | accepted headers |", "|---|---|"]
        for column, headers in columns.items():
            lines.append(f"| `{column}` | {', '.join(headers)} |")
        lines.append("")
    return "\n".join(lines)


def test_every_header_synonym_is_listed():
    assert synonyms_section() in TEXT
