"""The commands' parameter flags are the params dataclasses' fields: `embviz embed` and
`embviz train` get one flag per adapter field, `embviz project --help` lists every reducer field."""

from __future__ import annotations

import argparse

import pytest

from embviz.cli import build_parser
from embviz.core.params import specs
from embviz.models.gensim_train import TrainParams
from embviz.models.graph.params import GraphParams
from embviz.models.transformers import TransformerParams
from embviz.reduce import reducers


def _subcommand(name: str) -> argparse.ArgumentParser:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[name]


@pytest.mark.parametrize(
    ("command", "params_type", "own"),
    [
        ("embed", TransformerParams, {"sentences", "images", "image_column", "output", "force"}),
        # --algorithm is shared with --graph (its choices: both kinds); GraphParams' own flags
        # are checked below
        (
            "train",
            TrainParams,
            {
                "corpus",
                "graph",
                "algorithm",
                "output",
                "save_model",
                "force",
                *(s.name for s in specs(GraphParams)),
            },
        ),
    ],
)
def test_adapter_commands_have_one_flag_per_field(command, params_type, own):
    parser = _subcommand(command)
    dests = [a.dest for a in parser._actions if a.dest != "help"]
    from_params = [d for d in dests if d not in own]
    expected = [s.name for s in specs(params_type) if s.name not in own]
    assert from_params == expected
    for spec in specs(params_type):
        if spec.name in own:
            continue
        action = next(a for a in parser._actions if a.dest == spec.name)
        assert "--" + spec.name.replace("_", "-") in action.option_strings
        assert action.help == spec.describe()


def test_train_graph_flags_are_graph_params_fields():
    parser = _subcommand("train")
    for spec in specs(GraphParams):
        action = next(a for a in parser._actions if a.dest == spec.name)
        assert "--" + spec.name.replace("_", "-") in action.option_strings


def test_embed_flags_reach_the_params(monkeypatch, tmp_path):
    """What the flags say is what the adapter gets (checked before any model is loaded)."""
    from embviz.cli import embed

    seen = {}

    def fake_embed(self, texts, kind, params):
        seen.update(kind=kind, params=params)
        raise SystemExit(0)

    monkeypatch.setattr("embviz.models.transformers.TransformerAdapter.embed", fake_embed)
    src = tmp_path / "s.txt"
    src.write_text("the river bank\n", encoding="utf-8")
    args = _subcommand("embed").parse_args(
        ["--sentences", str(src), "-o", str(tmp_path / "o.npy"), "--word", "bank",
         "--mean-layers", "1-3", "--case-sensitive", "--batch-size", "2"]
    )  # fmt: skip
    with pytest.raises(SystemExit):
        embed.run(args)
    assert seen["kind"] == "tokens"
    assert seen["params"] == TransformerParams(
        word="bank", mean_layers="1-3", case_sensitive=True, batch_size=2
    )


def test_project_help_lists_every_reducer_parameter():
    lines = _subcommand("project").format_help().splitlines()
    for reducer in reducers:
        for spec in specs(reducer.params_type):
            assert f"    {spec.name}: {spec.describe()}" in lines, (reducer.name, spec.name)
