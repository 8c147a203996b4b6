"""Reading YAML and JSON input files so that every problem names the file, the line and the field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, field_validator

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


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    size: int


class StrictDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entries: list[Strict]
    owner: Strict | None = None


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        ("entries:\n  - {name: a, sise: 1}\n", 2, "entries[0].sise",
         "unknown key 'sise'; allowed: name, size (did you mean 'size'?)"),
        ("entries: []\nowner: {name: a, size: 1, colour: red}\n", 2, "owner.colour",
         "unknown key 'colour'; allowed: name, size"),
        ("entries: []\nentires: []\n", 2, "entires",
         "unknown key 'entires'; allowed: entries, owner (did you mean 'entries'?)"),
    ],
    ids=["misspelt-key", "no-close-key", "top-level-key"],
)  # fmt: skip
def test_an_unknown_key_is_named_with_the_keys_allowed_there(
    tmp_path: Path, text: str, line: int, field: str, message: str
) -> None:
    with pytest.raises(InputError) as raised:
        validate_document(StrictDocument, write(tmp_path, "d.yaml", text))
    assert (raised.value.line, raised.value.field, raised.value.message) == (line, field, message)


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("- a\n- b\n", None, "the document must be a mapping with an 'entries' list, not a list"),
        ("# nothing yet\n", None, "the document must be a mapping with an 'entries' list, not nothing"),
        ("entries:\n  - [a, 1]\n", "entries[0]", "this entry must be a mapping with 'name', 'size', not a list"),
        ("entries: []\nowner: someone\n", "owner",
         "this entry must be a mapping with 'name', 'size', not a single value"),
    ],
)  # fmt: skip
def test_a_value_that_should_be_a_mapping_says_what_it_holds_and_names_no_class(
    tmp_path: Path, text: str, field: str | None, message: str
) -> None:
    with pytest.raises(InputError) as raised:
        validate_document(StrictDocument, write(tmp_path, "d.yaml", text), what="the document")
    assert (raised.value.field, raised.value.message) == (field, message)
    assert "Strict" not in str(raised.value)


@pytest.mark.parametrize(
    ("name", "content", "line", "message"),
    [
        ("dup.yaml", b'vpcs:\n  - id: a\n    account: "1"\n    account: "2"\n', 4,
         "key 'account' is given twice in one mapping: keep one"),
        ("dup.json", b'{"vpcs": [{"id": "a",\n "id": "b"}]}', 2, "key 'id' is given twice in one mapping"),
        ("latin.yaml", b"vpcs:\n  - id: caf\xe9\n", 2, "not UTF-8 text (byte 0xe9): save the file as UTF-8"),
        ("utf16.json", '{"vpcs": []}'.encode("utf-16"), 1, "not UTF-8 text (byte 0xff)"),
        ("deep.json", b"[" * 100_000 + b"]" * 100_000, None, "the document is nested too deeply to read"),
    ],
    ids=["yaml-duplicate-key", "json-duplicate-key", "latin-1", "utf-16", "deep"],
)  # fmt: skip
def test_a_document_that_cannot_be_read_as_written_is_refused_naming_the_line(
    tmp_path: Path, name: str, content: bytes, line: int | None, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=re.escape(message)) as refused:
        read_document(path)
    assert (refused.value.source, refused.value.line) == (str(path), line)


def test_a_byte_order_mark_is_read_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffvpcs: []\n".encode())
    assert read_document(path)[0] == {"vpcs": []}
