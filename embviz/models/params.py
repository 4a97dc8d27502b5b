"""Adapter parameters described once, so the GUI form and the CLI flags are generated from them.

An adapter's ``params`` is a dataclass. Each field may carry ``metadata`` with ``help``, ``min``,
``max``, ``choices`` and ``hidden`` (set by code, never shown as a flag or form field). Use
:func:`param` to write such a field in one line.
"""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass
from typing import Any


def param(default: Any, help: str = "", **meta: Any) -> Any:  # noqa: A002 - reads like argparse
    """A dataclass field with a default and a description (``min``, ``max``, ``choices``)."""
    return dataclasses.field(default=default, metadata={"help": help, **meta})


@dataclass(frozen=True)
class ParamSpec:
    name: str
    type: type
    default: Any
    help: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Any, ...] | None = None

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


_TYPES = {"int": int, "float": float, "str": str, "bool": bool}


def specs(params_type: type) -> list[ParamSpec]:
    """The visible parameters of a params dataclass, in declaration order."""
    out = []
    for field in dataclasses.fields(params_type):
        meta = field.metadata
        if meta.get("hidden"):
            continue
        kind = field.type if isinstance(field.type, type) else _TYPES.get(str(field.type), str)
        choices = meta.get("choices")
        out.append(
            ParamSpec(
                field.name,
                kind,
                field.default,
                meta.get("help", ""),
                meta.get("min"),
                meta.get("max"),
                tuple(choices) if choices else None,
            )
        )
    return out


def check(params: Any) -> Any:
    """Refuse values outside the declared bounds, naming the parameter and the range."""
    for spec in specs(type(params)):
        value = getattr(params, spec.name)
        if spec.choices is not None and value not in spec.choices:
            options = ", ".join(map(str, spec.choices))
            raise ValueError(f"{spec.name} must be one of {options}, not {value!r}.")
        if spec.minimum is not None and value < spec.minimum:
            raise ValueError(f"{spec.name} must be at least {spec.minimum}, not {value}.")
        if spec.maximum is not None and value > spec.maximum:
            raise ValueError(f"{spec.name} must be at most {spec.maximum}, not {value}.")
    return params


def add_arguments(parser: argparse.ArgumentParser, params_type: type, skip=()) -> None:
    """One ``--flag`` per visible parameter, with its default and help."""
    for spec in specs(params_type):
        if spec.name in skip:
            continue
        help_text = f"{spec.help} (default: {spec.default})".strip()
        if spec.type is bool:
            parser.add_argument(
                spec.flag, action=argparse.BooleanOptionalAction, default=None, help=help_text
            )
        else:
            parser.add_argument(
                spec.flag, type=spec.type, choices=spec.choices, default=None, help=help_text
            )


def from_arguments(params_type: type, args: argparse.Namespace, **given: Any) -> Any:
    """The params dataclass from parsed flags; flags left out keep their defaults."""
    values = dict(given)
    for spec in specs(params_type):
        value = getattr(args, spec.name, None)
        if value is not None and spec.name not in values:
            values[spec.name] = value
    return check(params_type(**values))
