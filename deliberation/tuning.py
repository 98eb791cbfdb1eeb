"""Every setting reachable by name: ``"stats.min_votes_room_share=0.3"`` sets one field of a config.

The configs (``AnalysisConfig``, ``GroundingConfig``, ``CoverageConfig``, ``TallyConfig``,
``FacilitationConfig`` …) are frozen dataclasses or pydantic models whose fields are named and
documented with defaults. The command line (``--set NAME=VALUE``) and the graph's runtime
context change them through :func:`override`, so a new field is settable without new code. A
value is read as JSON where it parses (``0.3``, ``true``, ``null``, ``["a", "b"]``), else as the
text itself, and then checked against the field's declared type by pydantic.
"""

from __future__ import annotations

import dataclasses
import json
import typing
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import to_jsonable_python

from deliberation.errors import InputError
from deliberation.words import said


def field_types(config: Any) -> dict[str, Any]:
    """A config's settable fields and their declared types (dataclass or pydantic model)."""
    cls = config if isinstance(config, type) else type(config)
    if isinstance(config, BaseModel) or (isinstance(cls, type) and issubclass(cls, BaseModel)):
        return {name: f.annotation for name, f in cls.model_fields.items()}
    if dataclasses.is_dataclass(cls):
        hints = typing.get_type_hints(cls, include_extras=True)  # keeps Annotated bounds (seed >= 0)
        return {f.name: hints[f.name] for f in dataclasses.fields(cls) if f.init}
    raise TypeError(f"{cls.__name__} is not a config (a dataclass or a pydantic model)")


def is_config(value: Any) -> bool:
    return isinstance(value, BaseModel) or (dataclasses.is_dataclass(value) and not isinstance(value, type))


def parse_assignments(items: Iterable[str], *, option: str = "--set") -> dict[str, str]:
    """``["stats.min_votes_room_share=0.3", …]`` -> ``{"stats.min_votes_room_share": "0.3", …}``."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = str(item).partition("=")
        if not sep or not name.strip():
            raise InputError(said("input.setting_form", option=option, quoted=repr(str(item))))
        out[name.strip()] = value.strip()
    return out


def assignment_lines(settings: Mapping[str, Any]) -> list[str]:
    """``{"tally.reject_below": 0.4}`` -> ``["tally.reject_below=0.4"]``: what :func:`parse_assignments`
    reads back to the same values (a value written as JSON)."""
    return [f"{name}={json.dumps(to_jsonable_python(value), ensure_ascii=False)}" for name, value in settings.items()]


def _value(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def override(config: Any, assignments: Mapping[str, Any], *, where: str = "") -> Any:
    """A copy of ``config`` with the named fields set: keys are field names, dotted for nested
    configs (``"stats.min_votes_room_share"`` on an ``AnalysisConfig``). Unknown names and values
    of the wrong type are refused with an :class:`InputError` naming the setting."""
    nested: dict[str, dict[str, Any]] = {}
    direct: dict[str, Any] = {}
    types = field_types(config)
    for name, value in assignments.items():
        head, _, rest = name.partition(".")
        path = f"{where}{head}"
        if head not in types:
            raise InputError(said("input.setting_unknown", quoted=repr(where + name),
                                  config=where.rstrip(".") or type(config).__name__, names=", ".join(sorted(types))))
        current = getattr(config, head)
        if rest:
            if not is_config(current):
                raise InputError(said("input.setting_not_group", quoted=repr(where + name), setting=path))
            nested.setdefault(head, {})[rest] = value
            continue
        try:
            direct[head] = TypeAdapter(types[head]).validate_python(_value(value))
        except ValidationError as e:
            problem = e.errors()[0].get("msg", str(e))
            raise InputError(said("input.setting_refused", setting=path, quoted=repr(value), error=problem)) from None
    for head, sub in nested.items():
        direct[head] = override(getattr(config, head), sub, where=f"{where}{head}.")
    if not direct:
        return config
    return _rebuilt(config, direct, assignments, where)


def _rebuilt(config: Any, changes: dict[str, Any], assignments: Mapping[str, Any], where: str) -> Any:
    """``config`` with ``changes``, built anew so that the config's own checks run: a field's bounds
    (pydantic ``Field(ge=…)``, also on a pydantic dataclass) and a dataclass's ``__post_init__``.
    A refusal is an InputError naming the setting and the value given."""
    try:
        if isinstance(config, BaseModel):
            return type(config).model_validate({**dict(config), **changes})  # model_copy would not check
        return dataclasses.replace(config, **changes)
    except ValidationError as e:
        raise InputError(refused_settings(e, where, assignments, first_only=True)) from None
    except ValueError as e:  # a plain dataclass's own check
        given = ", ".join(f"{where}{k}={assignments.get(k, v)!r}" for k, v in changes.items())
        raise InputError(f"setting {given}: {e}") from None


def refused_settings(error: ValidationError, where: str, given: Mapping[str, Any] | None = None, *,
                     first_only: bool = False) -> str:
    """The settings a config's validation refused, in words: "setting <where><path>=<value>: why"
    for each (joined by "; "). The value shown is the one ``given`` holds for the setting (as typed),
    else the one validated; a whole group of settings (a dataclass's own check) is not shown."""
    parts = []
    for err in error.errors()[:1] if first_only else error.errors():
        loc = [str(x) for x in err.get("loc") or ()]
        if given is not None:  # the value as typed, for a setting that was given
            shown = f"={given[loc[0]]!r}" if loc and loc[0] in given else ""
        else:
            shown = "" if isinstance(err.get("input"), Mapping) else f"={err.get('input')!r}"
        parts.append(f"setting {where}{'.'.join(loc) or '?'}{shown}: {err.get('msg', str(error))}")
    return "; ".join(parts)


def describe(config: Any, prefix: str = "") -> dict[str, Any]:
    """Every setting of ``config`` by dotted name, with its current value (for ``--help`` texts
    and error messages)."""
    out: dict[str, Any] = {}
    for name in field_types(config):
        value = getattr(config, name)
        if is_config(value):
            out.update(describe(value, f"{prefix}{name}."))
        else:
            out[f"{prefix}{name}"] = value
    return out
