"""Reading YAML and JSON input files so that every problem names the file, the line and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, field_validator

from vpccost.errors import InputError
from vpccost.inputs.documents import read_document, validate_document


class Entry(BaseModel):
    name: str
    size: int


class Document(BaseModel):
    entries: list[Entry]

    @field_validator("entries")
    @classmethod
    def _unique(cls, entries: list[Entry]) -> list[Entry]:
        names = [entry.name for entry in entries]
        for index, name in enumerate(names):
            if name in names[:index]:
                raise ValueError(f"entries[{index}].name: '{name}' twice")
        return entries


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_field_error_names_its_line_and_its_path(tmp_path: Path) -> None:
    path = write(tmp_path, "d.yaml", "entries:\n  - name: a\n    size: 1\n  - name: b\n    size: big\n")
    with pytest.raises(InputError) as raised:
        validate_document(Document, path)
    assert (raised.value.source, raised.value.line, raised.value.field) == (str(path), 5, "entries[1].size")


def test_a_check_over_a_whole_list_points_at_the_entry_it_names(tmp_path: Path) -> None:
    path = write(
        tmp_path, "d.yaml", "entries:\n  - {name: a, size: 1}\n  - {name: b, size: 2}\n  - {name: a, size: 3}\n"
    )
    with pytest.raises(InputError) as raised:
        validate_document(Document, path)
    assert (raised.value.line, raised.value.field, raised.value.message) == (4, "entries[2].name", "'a' twice")


def test_json_is_read_and_its_errors_have_lines_too(tmp_path: Path) -> None:
    path = write(tmp_path, "d.json", '{"entries": [\n  {"name": "a", "size": 1},\n  {"name": "b"}\n]}\n')
    with pytest.raises(InputError) as raised:
        validate_document(Document, path)
    assert (raised.value.line, raised.value.field) == (3, "entries[1].size")
    assert validate_document(Document, write(tmp_path, "ok.json", '{"entries": []}')) == Document(entries=[])


@pytest.mark.parametrize(
    ("name", "text", "message", "line"),
    [
        ("empty.yaml", "  \n", "the file is empty", None),
        ("bad.json", '{"entries": [\n}', "not valid JSON", 2),
        ("bad.yaml", "entries: []\nname: a: b\n", "not valid YAML: mapping values are not allowed", 2),
    ],
)
def test_what_cannot_be_parsed_is_bad_input(
    tmp_path: Path, name: str, text: str, message: str, line: int | None
) -> None:
    with pytest.raises(InputError, match=message) as raised:
        read_document(write(tmp_path, name, text))
    assert raised.value.line == line


def test_a_file_that_cannot_be_read_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the file") as raised:
        read_document(tmp_path / "absent.yaml")
    assert raised.value.source == str(tmp_path / "absent.yaml")
