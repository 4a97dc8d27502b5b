"""Parameters declared once, as dataclass fields with bounds, for reducers and model adapters.

One declaration drives the GUI form (``embviz.gui.forms``), the CLI flags (``--param name=value``
for reducers, ``--flag`` per field for adapters) and validation, so the faces never drift apart.
Declare a field with :func:`param`::

    @dataclass
    class TSNEParams:
        perplexity: float = param(30.0, "effective number of neighbours", low=2.0, high=500.0)
        metric: str = param("cosine", "distance", choices=("cosine", "euclidean"))

and read it back with :func:`specs`; build an instance from strings or widget values with
:func:`make_params`, or check an instance with :func:`check`.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from embviz.core.errors import EmbvizError

PathKind = Literal["file", "folder", "file or folder"]
_TYPES: dict[str, type] = {"int": int, "float": float, "str": str, "bool": bool}
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def param(
    default: Any,
    help: str = "",  # noqa: A002 - reads like argparse
    *,
    low: float | None = None,
    high: float | None = None,
    choices: Iterable[Any] | None = None,
    label: str = "",
    choices_from: str | None = None,
    zero_means: str = "",
    path: PathKind | None = None,
    hidden: bool = False,
) -> Any:
    """A dataclass field with a default, a help line and what values it accepts.

    - ``low``/``high``: inclusive bounds of a number; ``choices``: the allowed values.
    - ``label``: what the form calls it (default: the name with spaces).
    - ``choices_from="metadata"``: the value names a metadata column of the set ("" for none);
      the GUI offers the set's columns.
    - ``zero_means``: what 0 stands for ("auto", "never"); the form shows that word.
    - ``path``: the value is a path; the form adds File…/Folder… buttons.
    - ``hidden``: set by code (e.g. the open set), never a flag or a form field.
    """
    meta = {
        "low": low,
        "high": high,
        "choices": tuple(choices) if choices is not None else None,
        "label": label,
        "help": help,
        "choices_from": choices_from,
        "zero_means": zero_means,
        "path": path,
        "hidden": hidden,
    }
    return dataclasses.field(default=default, metadata=meta)


@dataclass(frozen=True)
class ParamSpec:
    """One declared parameter: what the form, the flags and the checks are built from."""

    name: str
    type: type
    default: Any
    low: float | None = None
    high: float | None = None
    choices: tuple[Any, ...] | None = None
    label: str = ""
    help: str = ""
    choices_from: str | None = None
    zero_means: str = ""
    path: PathKind | None = None
    hidden: bool = False

    @property
    def flag(self) -> str:
        """The CLI flag of an adapter parameter: ``--vector-size``."""
        return "--" + self.name.replace("_", "-")

    def describe(self) -> str:
        """One line for ``--help`` and tooltips: what it is, its default and its bounds."""
        parts = [self.help] if self.help else []
        if self.choices:
            parts.append("one of " + ", ".join(map(str, self.choices)))
        elif self.low is not None or self.high is not None:
            low = "-inf" if self.low is None else f"{self.low:g}"
            high = "inf" if self.high is None else f"{self.high:g}"
            parts.append(f"{low} to {high}")
        if self.zero_means:
            parts.append(f"0 = {self.zero_means}")
        parts.append(f"default {self.default!r}")
        return "; ".join(parts)

    def convert(self, value: Any, method: str = "") -> Any:
        """``value`` (a string from a flag, or a widget's value) as this parameter's type,
        checked against its bounds; a bad value raises :class:`EmbvizError` naming it."""
        where = f"{method} parameter {self.name}" if method else self.name
        try:
            value = _as_type(self.type, value)
        except (TypeError, ValueError):
            raise EmbvizError(
                f"{where}: {value!r} is not a valid {self.type.__name__} ({self.describe()})."
            ) from None
        self.check(value, method)
        return value

    def check(self, value: Any, method: str = "") -> None:
        """Refuse a value outside the declared choices or bounds."""
        where = f"{method} parameter {self.name}" if method else self.name
        if self.choices and value not in self.choices:
            options = ", ".join(map(str, self.choices))
            raise EmbvizError(f"{where}: {value!r} is not one of {options}.")
        if self.type not in (int, float) or isinstance(value, bool):
            return
        low = "-inf" if self.low is None else f"{self.low:g}"
        high = "inf" if self.high is None else f"{self.high:g}"
        if self.low is not None and value < self.low:
            raise EmbvizError(
                f"{where} must be at least {low}, not {value!r} (out of range {low} to {high})."
            )
        if self.high is not None and value > self.high:
            raise EmbvizError(
                f"{where} must be at most {high}, not {value!r} (out of range {low} to {high})."
            )


def _as_type(kind: type, value: Any) -> Any:
    if kind is bool:
        if isinstance(value, str):
            text = value.strip().lower()
            if text not in _TRUE | _FALSE:
                raise ValueError(value)
            return text in _TRUE
        return bool(value)
    if kind is int:
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(value)
        return int(value)
    if kind is float:
        return float(value)
    if kind is str:
        return str(value)
    return value


def _field_type(field: dataclasses.Field[Any]) -> type:
    if isinstance(field.type, type):
        return field.type
    return _TYPES.get(str(field.type), object)


def specs(params_type: type, *, include_hidden: bool = False) -> list[ParamSpec]:
    """The parameters of a params dataclass, in declaration order (hidden ones left out)."""
    out = []
    for field in dataclasses.fields(params_type):
        meta = field.metadata
        if meta.get("hidden") and not include_hidden:
            continue
        out.append(
            ParamSpec(
                name=field.name,
                type=_field_type(field),
                default=field.default,
                low=meta.get("low"),
                high=meta.get("high"),
                choices=meta.get("choices"),
                label=meta.get("label") or field.name.replace("_", " "),
                help=meta.get("help", ""),
                choices_from=meta.get("choices_from"),
                zero_means=meta.get("zero_means", ""),
                path=meta.get("path"),
                hidden=bool(meta.get("hidden", False)),
            )
        )
    return out


def make_params(
    params_type: type, values: Mapping[str, Any] | None = None, method: str = ""
) -> Any:
    """An instance of ``params_type`` from ``values`` (strings are parsed), checked against the
    bounds; an unknown name or a bad value raises :class:`EmbvizError`."""
    values = dict(values or {})
    by_name = {s.name: s for s in specs(params_type, include_hidden=True)}
    unknown = sorted(set(values) - set(by_name))
    if unknown:
        known = ", ".join(s.name for s in by_name.values() if not s.hidden) or "none"
        raise EmbvizError(
            f"{method or 'this method'} has no parameter {unknown[0]!r}; its parameters: {known}."
        )
    kwargs = {
        name: value if by_name[name].hidden else by_name[name].convert(value, method)
        for name, value in values.items()
    }
    return params_type(**kwargs)


def check(params: Any, method: str = "") -> Any:
    """``params`` itself, after refusing values outside the declared bounds (an
    :class:`EmbvizError` names the parameter and the range)."""
    for spec in specs(type(params)):
        spec.check(getattr(params, spec.name), method)
    return params


def parse_assignments(items: Iterable[str] | None) -> dict[str, str]:
    """``["perplexity=50", "metric=cosine"]`` -> ``{"perplexity": "50", "metric": "cosine"}``."""
    out = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise EmbvizError(f"--param {item!r}: write it as name=value, e.g. perplexity=50.")
        out[name.strip().replace("-", "_")] = value.strip()
    return out


def as_dict(params: Any) -> dict[str, Any]:
    """The visible fields of a params dataclass instance as a dict ({} for anything else)."""
    if not dataclasses.is_dataclass(params) or isinstance(params, type):
        return {}
    return {s.name: getattr(params, s.name) for s in specs(type(params))}


def add_arguments(
    parser: argparse.ArgumentParser, params_type: type, skip: Iterable[str] = ()
) -> None:
    """One ``--flag`` per visible parameter, with its default, bounds and help."""
    skipped = set(skip)
    for spec in specs(params_type):
        if spec.name in skipped:
            continue
        if spec.type is bool:
            parser.add_argument(
                spec.flag,
                dest=spec.name,
                action=argparse.BooleanOptionalAction,
                default=None,
                help=spec.describe(),
            )
        else:
            parser.add_argument(
                spec.flag,
                dest=spec.name,
                type=spec.type,
                choices=spec.choices,
                default=None,
                help=spec.describe(),
            )


def from_arguments(params_type: type, args: argparse.Namespace, **given: Any) -> Any:
    """The params dataclass from parsed flags; flags left out keep their defaults."""
    values = dict(given)
    for spec in specs(params_type):
        value = getattr(args, spec.name, None)
        if value is not None and spec.name not in values:
            values[spec.name] = value
    return check(params_type(**values))
