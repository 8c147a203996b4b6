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


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML was built with it: several times faster on large topologies."""


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """The safe loader, refusing a mapping that repeats a key (YAML would keep the last value silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, str | int | float | bool) and key in seen:
                raise _DuplicateKey(key, key_node.start_mark.line + 1)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int | None) -> None:
        super().__init__(key, line)
        self.key, self.line = key, line


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refusing a repeated key (json keeps the last value silently)."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _DuplicateKey(key, None)
        found[key] = value
    return found


def read_document(path: Path) -> tuple[Any, str]:
    """The parsed document and its text. Refused, naming the file and the line: text that is not UTF-8, a
    repeated key in one mapping, a document nested too deeply, invalid YAML or JSON."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read the file: {error.strerror}", source=str(path)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"not UTF-8 text (byte 0x{raw[error.start]:02x}): save the file as UTF-8",
            source=str(path),
            line=raw[: error.start].count(b"\n") + 1,
        ) from None
    if not text.strip():
        raise InputError("the file is empty", source=str(path))
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text, object_pairs_hook=_unique_pairs)
        else:
            data = yaml.load(text, Loader=_Loader)
    except json.JSONDecodeError as error:
        raise InputError(f"not valid JSON: {error.msg}", source=str(path), line=error.lineno) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise InputError(
            f"not valid YAML: {getattr(error, 'problem', error)}",
            source=str(path),
            line=None if mark is None else mark.line + 1,
        ) from None
    except _DuplicateKey as duplicate:
        raise InputError(
            f"key '{duplicate.key}' is given twice in one mapping: keep one",
            source=str(path),
            line=duplicate.line if duplicate.line is not None else _key_line(text),
        ) from None
    except RecursionError:
        raise InputError("the document is nested too deeply to read", source=str(path)) from None
    return data, text


def _key_line(text: str) -> int | None:
    """The line where `key` is given a second time in one mapping (JSON read as YAML finds it), or None."""
    try:
        yaml.load(text, Loader=_Loader)
    except _DuplicateKey as duplicate:
        return duplicate.line
    except (yaml.YAMLError, RecursionError):
        return None
    return None


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
