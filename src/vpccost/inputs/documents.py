"""Reading YAML and JSON input files so that validation errors can name the line they come from."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from vpccost.errors import InputError

Model = TypeVar("Model", bound=BaseModel)

_ENTRY_PREFIX = re.compile(r"^(?P<path>(?P<list>\w+)\[(?P<index>\d+)\](\.(?P<key>\w+))?): ")
"""A list-level check that found a bad entry says which: `vpcs[3].id: …`, `azs[1]: …`."""


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML was built with it: several times faster on large topologies."""


def read_document(path: Path) -> tuple[Any, str]:
    """The parsed document and its text."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot read the file: {error.strerror}", source=str(path)) from None
    if not text.strip():
        raise InputError("the file is empty", source=str(path))
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.load(text, Loader=_Loader)
    except json.JSONDecodeError as error:
        raise InputError(f"not valid JSON: {error.msg}", source=str(path), line=error.lineno) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = None if mark is None else mark.line + 1
        raise InputError(f"not valid YAML: {getattr(error, 'problem', error)}", source=str(path), line=line) from None
    return data, text


def validate_document(model: type[Model], path: Path) -> Model:
    """Parse and validate a YAML/JSON file into `model`; the first problem becomes an `InputError`
    naming the file, the line and the field."""
    data, text = read_document(path)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise validation_error(error, str(path), _node_tree(text)) from None


def _node_tree(text: str) -> yaml.Node | None:
    """The YAML node tree, which knows each value's line (JSON is read as YAML for this). Built only to
    report an error."""
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return None


def validation_error(error: ValidationError, source: str, nodes: yaml.Node | None = None) -> InputError:
    first = error.errors()[0]
    location: list[int | str] = [part for part in first["loc"] if part != "__root__"]
    message = first["msg"].removeprefix("Value error, ")
    entry = _ENTRY_PREFIX.match(message)
    if entry and location and entry.group("list") == location[-1]:
        # a check over a whole list names the entry it found ("vpcs[3].id: …"): point at that entry's line
        location += [int(entry.group("index")), *filter(None, [entry.group("key")])]
        message = message[entry.end() :]
    field = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in location).lstrip(".")
    return InputError(message, source=source, line=_line_of(nodes, location), field=field or None)


def _line_of(node: yaml.Node | None, location: list[int | str]) -> int | None:
    """The 1-based line of the node at `location` in a YAML node tree, or of its nearest parent."""
    if node is None:
        return None
    line: int = node.start_mark.line + 1
    for part in location:
        child: yaml.Node | None = None
        if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        elif isinstance(node, yaml.MappingNode):
            child = next((value for key, value in node.value if key.value == part), None)
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line
