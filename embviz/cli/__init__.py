"""The command line: `embviz` opens the window; `embviz COMMAND ...` works headless.

No Qt is imported here: the window is reached only through :mod:`embviz.cli.gui_launch`.
"""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from pathlib import Path

from embviz import __version__
from embviz.core.errors import EmbvizError

# Each command lives in embviz/cli/<name>.py with add_parser(subparsers) that sets func=.
COMMAND_MODULES = [
    "info",
    "convert",
    "project",
    "neighbors",
    "analogy",
    "evaluate",
    "embed",
    "train",
    "polysemy",
    "desktop",  # install-desktop, uninstall-desktop
    "plugins",
]


def _parse_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not WIDTHxHEIGHT, e.g. 1600x1000") from None
    if not (64 <= width <= 16384 and 64 <= height <= 16384):
        raise argparse.ArgumentTypeError("width and height must be between 64 and 16384 pixels")
    return width, height


def _cmd_render(args: argparse.Namespace) -> int:
    from embviz.cli.gui_launch import render

    render(args.path, Path(args.output), args.size)
    print(f"wrote {args.output}")
    return 0


def _command_modules():
    import importlib

    for name in COMMAND_MODULES:
        try:
            yield importlib.import_module(f"embviz.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"embviz.cli.{name}":
                raise
            # this command is planned but not built yet: it is simply not offered


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="embviz",
        description="See and probe embeddings. With no command, opens the window "
        "(on FILE... or on the built-in demo).",
    )
    parser.add_argument("--version", action="version", version=f"embviz {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _command_modules():
        module.add_parser(sub)
    render = sub.add_parser(
        "render", help="save a screenshot of the window on a file (or the demo), no display needed"
    )
    render.add_argument("path", nargs="?", help="embedding file (default: the built-in demo)")
    render.add_argument("-o", "--output", required=True, help="PNG file to write")
    render.add_argument("--size", type=_parse_size, default=(1600, 1000), help="WIDTHxHEIGHT")
    render.set_defaults(func=_cmd_render)
    parser.set_defaults(commands=frozenset(sub.choices))
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    commands = parser.get_default("commands")
    debug = "--debug" in argv
    first = next((a for a in argv if a != "--debug"), None)
    if first is None or (first not in commands and not first.startswith("-")):
        from embviz.cli.gui_launch import launch

        return launch([a for a in argv if a != "--debug"])
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING)
    try:
        return args.func(args)
    except EmbvizError as exc:
        if debug:
            traceback.print_exc()
        print(f"embviz: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("embviz: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: say so in one line, details with --debug
        if debug:
            traceback.print_exc()
        print(
            f"embviz: unexpected {type(exc).__name__}: {exc} "
            "(this is a bug in embviz; run again with --debug for details)",
            file=sys.stderr,
        )
        return 1
