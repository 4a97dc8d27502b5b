"""The command line: `embviz` opens the window; `embviz COMMAND ...` works headless.

No Qt is imported here: the window is reached only through :mod:`embviz.cli.gui_launch`.

Exit codes: 0 success; 2 when the input or the request is wrong (every EmbvizError, bad
arguments, a file the system cannot read or write); 1 only for a defect in embviz; 130 when
interrupted. A reader that stops reading (``embviz info FILE --json | head``) is not an error.
Commands are registered contributions (:mod:`embviz.cli.commands`).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
import warnings
from pathlib import Path

from embviz import __version__
from embviz.core.errors import EmbvizError


def build_parser() -> argparse.ArgumentParser:
    from embviz.cli.commands import commands

    parser = argparse.ArgumentParser(
        prog="embviz",
        description="See and probe embeddings. With no command, opens the window "
        "(on FILE... or on the built-in demo).",
    )
    parser.add_argument("--version", action="version", version=f"embviz {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in commands:
        try:
            command.add_parser(sub)
        except Exception as exc:  # a broken plugin command must not break the others
            commands.failures[command.name] = f"{type(exc).__name__}: {exc}"
    parser.set_defaults(commands=frozenset(sub.choices))
    return parser


def _say_warnings_in_words() -> None:
    """Library warnings become one line each, said once, without source lines."""
    said: set[str] = set()

    def show(message, category, filename, lineno, file=None, line=None) -> None:
        text = str(message).strip().splitlines()[0] if str(message).strip() else category.__name__
        if text in said:
            return
        said.add(text)
        parts = Path(filename).parts
        inside = parts.index("site-packages") + 1 if "site-packages" in parts else -1
        module = parts[inside].removesuffix(".py") if 0 < inside < len(parts) else "embviz"
        print(f"embviz: warning (from {module}): {text}", file=sys.stderr)

    warnings.showwarning = show
    logging.basicConfig(level=logging.WARNING, format="embviz: %(levelname)s: %(message)s")


def _stdout_gone() -> int:
    """The reader closed the pipe (`... | head`): stop quietly, as other command-line tools do."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return 0


def _on_terminate(signum, frame) -> None:
    raise SystemExit(128 + signum)  # unwinds, so half-written outputs are removed


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
    if debug:
        logging.basicConfig(level=logging.DEBUG)
    else:
        _say_warnings_in_words()
    import signal

    try:
        previous = signal.signal(signal.SIGTERM, _on_terminate)
    except ValueError:  # not the main thread (tests may call main from a worker)
        previous = None
    try:
        code = args.func(args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        return _stdout_gone()
    except EmbvizError as exc:
        if debug:
            traceback.print_exc()
        print(f"embviz: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("embviz: interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        print(
            "embviz: not enough memory for this request. Try --limit N to read fewer rows, "
            "or close other programs.",
            file=sys.stderr,
        )
        return 2
    except OSError as exc:
        if exc.filename is None:  # not about a file the person named: a defect
            return _defect(exc, debug)
        if debug:
            traceback.print_exc()
        print(
            f"embviz: {exc.filename}: {exc.strerror or exc}. Check the path and its "
            "permissions, then try again.",
            file=sys.stderr,
        )
        return 2
    except Exception as exc:
        return _defect(exc, debug)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _defect(exc: BaseException, debug: bool) -> int:
    """A bug: say so in one line, details with --debug."""
    if debug:
        traceback.print_exc()
    print(
        f"embviz: unexpected {type(exc).__name__}: {exc} "
        "(this is a bug in embviz; run again with --debug for details)",
        file=sys.stderr,
    )
    return 1
