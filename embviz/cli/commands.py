"""CLI subcommands are registered contributions, like formats, reducers and adapters.

A command is an object with ``name``, ``title`` and ``add_parser(subparsers)`` (which adds one or
more subparsers and sets ``func=`` on each). The built-ins are listed below, one line each; third
parties add theirs through the ``embviz.commands`` entry point group. Adding a command means its
module, its test and one line here.
"""

from __future__ import annotations

import argparse
import importlib
from dataclasses import dataclass

from embviz.core.plugins import Registry


@dataclass(frozen=True)
class ModuleCommand:
    """A built-in command whose module ``embviz.cli.<module>`` has ``add_parser(sub)``."""

    name: str
    title: str
    module: str

    def add_parser(self, sub: argparse._SubParsersAction) -> None:
        importlib.import_module(f"embviz.cli.{self.module}").add_parser(sub)


BUILTIN = [
    ModuleCommand("info", "what a file holds, and what was done while reading it", "info"),
    ModuleCommand("convert", "read any supported file, write another format", "convert"),
    ModuleCommand("project", "2-D/3-D projections (PCA, t-SNE, UMAP, custom axes)", "project"),
    ModuleCommand("neighbors", "nearest neighbours of a label or an expression", "neighbors"),
    ModuleCommand("analogy", "A is to B as C is to ?", "analogy"),
    ModuleCommand("evaluate", "analogy accuracy and word-similarity correlation", "evaluate"),
    ModuleCommand("embed", "embed lines of text with a transformer", "embed"),
    ModuleCommand("train", "train Word2Vec or FastText on a corpus", "train"),
    ModuleCommand("polysemy", "the senses of a word in context", "polysemy"),
    ModuleCommand("compare", "two spaces side by side: align, what moved, translate", "compare"),
    ModuleCommand("desktop", "install-desktop, uninstall-desktop", "desktop"),
    ModuleCommand("plugins", "list formats, writers, reducers, adapters and commands", "plugins"),
    ModuleCommand("render", "a screenshot of the window, no display needed", "render"),
    ModuleCommand("health", "health (anisotropy, hubness, dimension) and bias (WEAT)", "health"),
    ModuleCommand("atlas", "embed a table of documents, map it, name its topics", "atlas"),
    ModuleCommand("search", "search an atlas in plain words (cosine, exact)", "search"),
    ModuleCommand("tables", "a transformer's token, position or token-type table", "tables"),
    ModuleCommand("pieces", "tokenizer pieces and ids, or fastText n-grams", "pieces"),
]


def _builtin_commands() -> list[ModuleCommand]:
    return list(BUILTIN)


commands: Registry[ModuleCommand] = Registry("embviz.commands", _builtin_commands)
