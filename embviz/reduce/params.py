"""Reducer parameters as dataclasses whose fields carry their bounds.

One declaration drives the GUI form, the CLI's ``--param name=value`` flags and validation, so
the two faces never drift apart. Declare a field with :func:`param`::

    perplexity: float = param(30.0, low=2.0, high=200.0, help="effective number of neighbours")
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from embviz.core.errors import EmbvizError


def param(
    default: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    choices: tuple[str, ...] | None = None,
    label: str = "",
    help: str = "",
    choices_from: str | None = None,
    zero_means: str = "",
) -> Any:
    """A dataclass field with bounds, choices and a help line.

    ``choices_from="metadata"`` says the value is the name of a metadata column of the set
    ("" for none); the GUI offers the set's columns.
    """
    meta = {
        "low": low,
        "high": high,
        "choices": choices,
        "label": label,
        "help": help,
        "choices_from": choices_from,
        "zero_means": zero_means,
    }
    return dataclasses.field(default=default, metadata=meta)


@dataclass(frozen=True)
class ParamSpec:
    name: str
    type: type
    default: Any
    low: float | None
    high: float | None
    choices: tuple[str, ...] | None
    label: str
    help: str
    choices_from: str | None
    zero_means: str = ""  # what 0 stands for ("auto", "never"); the GUI shows that word

    def describe(self) -> str:
        """One line for `--help` and tooltips: what it is, its default and its bounds."""
        parts = [self.help] if self.help else []
        if self.choices:
            parts.append("one of " + ", ".join(self.choices))
        elif self.low is not None or self.high is not None:
            parts.append(f"{self.low} to {self.high}")
        parts.append(f"default {self.default!r}")
        return "; ".join(parts)


_TYPES = {"int": int, "float": float, "str": str, "bool": bool}


def specs(params_type: type) -> list[ParamSpec]:
    """The fields of a parameter dataclass with their bounds, in declaration order."""
    out = []
    for f in dataclasses.fields(params_type):
        kind = f.type if isinstance(f.type, type) else _TYPES.get(str(f.type), str)
        m = f.metadata
        out.append(
            ParamSpec(
                f.name,
                kind,
                f.default,
                m.get("low"),
                m.get("high"),
                m.get("choices"),
                m.get("label") or f.name.replace("_", " "),
                m.get("help", ""),
                m.get("choices_from"),
                m.get("zero_means", ""),
            )
        )
    return out


def _convert(spec: ParamSpec, value: Any, method: str) -> Any:
    where = f"{method} parameter {spec.name}"
    try:
        if spec.type is bool:
            if isinstance(value, str):
                text = value.strip().lower()
                if text not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
                    raise ValueError
                value = text in {"1", "true", "yes", "on"}
            value = bool(value)
        elif spec.type is int:
            if isinstance(value, float) and not value.is_integer():
                raise ValueError
            value = int(value)
        elif spec.type is float:
            value = float(value)
        else:
            value = str(value)
    except (TypeError, ValueError):
        raise EmbvizError(
            f"{where}: {value!r} is not a valid {spec.type.__name__} ({spec.describe()})."
        ) from None
    if spec.choices and value not in spec.choices:
        raise EmbvizError(f"{where}: {value!r} is not one of {', '.join(spec.choices)}.")
    if spec.low is not None and value < spec.low or spec.high is not None and value > spec.high:
        raise EmbvizError(
            f"{where}: {value!r} is out of range; use a value from {spec.low} to {spec.high}."
        )
    return value


def make_params(params_type: type, values: dict[str, Any] | None = None, method: str = "") -> Any:
    """An instance of ``params_type`` from ``values`` (strings are parsed), checked against
    the bounds; an unknown name or a bad value raises :class:`EmbvizError`."""
    values = dict(values or {})
    by_name = {s.name: s for s in specs(params_type)}
    unknown = sorted(set(values) - set(by_name))
    if unknown:
        known = ", ".join(by_name) or "none"
        raise EmbvizError(
            f"{method or 'this method'} has no parameter {unknown[0]!r}; its parameters: {known}."
        )
    kwargs = {name: _convert(by_name[name], value, method) for name, value in values.items()}
    return params_type(**kwargs)


def parse_assignments(items: list[str] | None) -> dict[str, str]:
    """``["perplexity=50", "metric=cosine"]`` -> ``{"perplexity": "50", "metric": "cosine"}``."""
    out = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise EmbvizError(f"--param {item!r}: write it as name=value, e.g. perplexity=50.")
        out[name.strip().replace("-", "_")] = value.strip()
    return out


def as_dict(params: Any) -> dict[str, Any]:
    return dataclasses.asdict(params) if dataclasses.is_dataclass(params) else {}
