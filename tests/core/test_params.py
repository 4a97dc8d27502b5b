"""The one params system: CLI flags and checks generated from the dataclasses of every reducer and
model adapter, so the faces cannot drift apart."""

from __future__ import annotations

import argparse
import dataclasses

import pytest

from embviz.core.errors import EmbvizError
from embviz.core.params import (
    add_arguments,
    check,
    from_arguments,
    make_params,
    param,
    parse_assignments,
    specs,
)
from embviz.models import adapters
from embviz.reduce import reducers

ALL_PARAMS = [r.params_type for r in reducers] + [a.params for a in adapters]


@dataclasses.dataclass
class Example:
    size: int = param(5, "how many", low=1, high=10)
    rate: float = param(0.5, "how fast", low=0.0, high=1.0)
    mode: str = param("a", "which", choices=("a", "b"))
    strict: bool = param(True, "be strict")
    secret: object = param(None, "set by code", hidden=True)


def test_specs_follow_the_fields_in_order_and_hide_hidden_ones():
    names = [s.name for s in specs(Example)]
    assert names == ["size", "rate", "mode", "strict"]
    assert [s.type for s in specs(Example)] == [int, float, str, bool]
    assert [s.name for s in specs(Example, include_hidden=True)][-1] == "secret"


@pytest.mark.parametrize("params_type", ALL_PARAMS, ids=lambda t: t.__name__)
def test_every_field_gets_one_flag_with_its_type(params_type):
    parser = argparse.ArgumentParser()
    add_arguments(parser, params_type)
    flags = {a.dest: a for a in parser._actions if a.dest != "help"}
    visible = [f for f in dataclasses.fields(params_type) if not f.metadata.get("hidden")]
    assert list(flags) == [f.name for f in visible]
    for spec in specs(params_type):
        action = flags[spec.name]
        flag = "--" + spec.name.replace("_", "-")
        if spec.type is bool:
            assert isinstance(action, argparse.BooleanOptionalAction)
            assert action.option_strings == [flag, "--no-" + flag[2:]]
        else:
            assert action.option_strings == [flag]
            assert action.type is spec.type
            assert action.choices == spec.choices
    # No flag given: the dataclass's own defaults.
    assert from_arguments(params_type, parser.parse_args([])) == params_type()


@pytest.mark.parametrize("params_type", ALL_PARAMS, ids=lambda t: t.__name__)
def test_defaults_pass_their_own_bounds(params_type):
    for spec in specs(params_type):
        assert spec.type in (int, float, str, bool), (params_type.__name__, spec.name)
        spec.check(spec.default)
    check(params_type())


def test_flags_are_parsed_and_checked():
    parser = argparse.ArgumentParser()
    add_arguments(parser, Example)
    got = from_arguments(Example, parser.parse_args(["--size", "7", "--no-strict", "--mode", "b"]))
    assert (got.size, got.strict, got.mode, got.rate) == (7, False, "b", 0.5)
    with pytest.raises(EmbvizError, match="size must be at most 10, not 11"):
        from_arguments(Example, parser.parse_args(["--size", "11"]))


def test_strings_become_typed_values_with_clear_errors():
    got = make_params(Example, parse_assignments(["size=3", "rate=0.25", "strict=off"]), "ex")
    assert (got.size, got.rate, got.strict) == (3, 0.25, False)
    with pytest.raises(EmbvizError, match="ex parameter size: 'x' is not a valid int"):
        make_params(Example, {"size": "x"}, "ex")
    with pytest.raises(EmbvizError, match="ex parameter size: 2.5 is not a valid int"):
        make_params(Example, {"size": 2.5}, "ex")
    with pytest.raises(EmbvizError, match="ex parameter size must be at least 1, not 0"):
        make_params(Example, {"size": 0}, "ex")
    with pytest.raises(EmbvizError, match="'c' is not one of a, b"):
        make_params(Example, {"mode": "c"}, "ex")
    with pytest.raises(EmbvizError, match="has no parameter 'sise'; its parameters: size, rate"):
        make_params(Example, {"sise": 3}, "ex")
