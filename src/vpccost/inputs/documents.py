"""Reading YAML and JSON input files so that validation errors can name the line they come from."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from vpccost.errors import InputError
from vpccost.inputs.suggest import did_you_mean

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


def validate_document(model: type[Model], path: Path, *, what: str = "the file") -> Model:
    """Parse and validate a YAML/JSON file into `model`; the first problem becomes an `InputError`
    naming the file, the line and the field. `what` names the document in messages ("the topology")."""
    data, text = read_document(path)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise validation_error(error, str(path), _node_tree(text), model=model, what=what) from None


def _node_tree(text: str) -> yaml.Node | None:
    """The YAML node tree, which knows each value's line (JSON is read as YAML for this). Built only to
    report an error."""
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return None


def validation_error(
    error: ValidationError,
    source: str,
    nodes: yaml.Node | None = None,
    *,
    model: type[BaseModel] | None = None,
    what: str = "the file",
) -> InputError:
    """The first problem as an `InputError` in the user's terms: an unknown key (reported first, as it is the
    likely cause of a missing one) is named with the keys allowed there; given `model`, a value that should
    be a mapping says which keys it takes."""
    errors = error.errors()
    first = next((problem for problem in errors if problem["type"] == "extra_forbidden"), errors[0])
    location: list[int | str] = [part for part in first["loc"] if part != "__root__"]
    message = first["msg"].removeprefix("Value error, ")
    entry = _ENTRY_PREFIX.match(message)
    if entry and location and entry.group("list") == location[-1]:
        # a check over a whole list names the entry it found ("vpcs[3].id: …"): point at that entry's line
        location += [int(entry.group("index")), *filter(None, [entry.group("key")])]
        message = message[entry.end() :]
    if first["type"] == "extra_forbidden" and location:
        key = str(location[-1])
        allowed = _keys_at(model, location[:-1])
        listed = f"; allowed: {', '.join(allowed)}{did_you_mean(key, allowed)}" if allowed else ""
        message = f"unknown key '{key}'{listed}"
    elif first["type"] in ("model_type", "model_attributes_type", "dict_type"):
        message = _expected_mapping(model, location, first["input"], what)
    field = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in location).lstrip(".")
    return InputError(message, source=source, line=_line_of(nodes, location), field=field or None)


def _model_at(model: type[BaseModel] | None, location: Sequence[int | str]) -> type[BaseModel] | None:
    """The model that validates the mapping at `location` (list positions skipped), if one does."""
    for part in location:
        if model is None:
            return None
        if isinstance(part, str):
            field = model.model_fields.get(part)
            model = None if field is None else _model_in(field.annotation)
    return model


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model inside an annotation such as `list[Vpc]` or `Vpc | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next(filter(None, map(_model_in, get_args(annotation))), None)


def _keys_at(model: type[BaseModel] | None, location: Sequence[int | str]) -> list[str]:
    found = _model_at(model, location)
    return [] if found is None else sorted(field.alias or name for name, field in found.model_fields.items())


def _expected_mapping(model: type[BaseModel] | None, location: Sequence[int | str], given: Any, what: str) -> str:
    """`the topology must be a mapping with a 'vpcs' list, not a list`: what a mapping must hold, in the
    document's terms."""
    found = _model_at(model, location)
    fields = {} if found is None else found.model_fields
    keys = ", ".join(_required_key(name, field.annotation) for name, field in fields.items() if field.is_required())
    given_as = "nothing" if given is None else "a list" if isinstance(given, list) else "a single value"
    return f"{'this entry' if location else what} must be a mapping{f' with {keys}' if keys else ''}, not {given_as}"


def _required_key(name: str, annotation: Any) -> str:
    if get_origin(annotation) in (list, tuple):
        return f"{'an' if name[0] in 'aeiou' else 'a'} '{name}' list"
    return f"'{name}'"


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
