"""CLI commands and writers are registered contributions: a third-party distribution adds one
through the ``embviz.commands`` / ``embviz.writers`` entry point groups, `embviz plugins` lists
it, and a broken one is reported without breaking the others."""

from __future__ import annotations

import json
import textwrap

import numpy as np
import pytest

import embviz.cli.commands as cli_commands
import embviz.io.export as export_module
from embviz.cli import main
from embviz.core.dataset import EmbeddingSet
from embviz.core.plugins import Registry
from embviz.io.export_formats import builtin_writers


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    (tmp_path / "embviz_hello.py").write_text(
        textwrap.dedent("""
        class Hello:
            name = "hello"
            title = "say hello to a file"

            def add_parser(self, sub):
                p = sub.add_parser("hello", help=self.title)
                p.add_argument("who")
                p.set_defaults(func=lambda args: print(f"hello {args.who}") or 0)

        class Noisy:
            name = "noisy"
            title = "warns like a library"

            def add_parser(self, sub):
                sub.add_parser("noisy").set_defaults(func=self.run)

            def run(self, args):
                import warnings
                import numpy as np

                for _ in range(3):
                    np.array([1.0]) / np.array([0.0])
                warnings.warn("something odd\\nsecond line", UserWarning)
                warnings.warn("something odd\\nsecond line", UserWarning)
                return 0

        class RowsWriter:
            name = "rows-count"
            title = "the number of rows"
            extensions = (".rows",)

            def outputs(self, path):
                return [path]

            def size(self, eset):
                return None

            def write(self, eset, temps):
                temps[0].write_text(f"{len(eset)}\\n")
    """)
    )
    info = tmp_path / "embviz_hello-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: embviz-hello\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[embviz.commands]\nhello = embviz_hello:Hello\nbroken = embviz_missing:Nope\n"
        "noisy = embviz_hello:Noisy\n"
        "[embviz.writers]\nrows = embviz_hello:RowsWriter\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    fresh_commands = Registry("embviz.commands", cli_commands._builtin_commands)
    fresh_writers = Registry("embviz.writers", builtin_writers)
    monkeypatch.setattr(cli_commands, "commands", fresh_commands)
    monkeypatch.setattr(export_module, "writers", fresh_writers)
    return tmp_path


def test_a_plugin_command_runs_and_is_listed(plugin, capsys) -> None:
    assert "hello" in cli_commands.commands.names(), cli_commands.commands.failures
    assert main(["hello", "world"]) == 0
    assert capsys.readouterr().out == "hello world\n"
    assert main(["plugins", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    commands = {c["name"]: c["origin"] for c in report["commands"]}
    assert commands["hello"].startswith("entry point hello (embviz-hello)")
    assert commands["convert"] == "built in"
    assert "embviz_missing" in report["commands_failures"]["broken"]
    writers = {w["name"]: w["origin"] for w in report["writers"]}
    assert "rows-count" in writers and writers["numpy"] == "built in"


def test_a_plugin_writer_is_chosen_by_extension_and_written_safely(plugin, tmp_path) -> None:
    out = tmp_path / "x.rows"
    eset = EmbeddingSet(["a", "b", "c"], np.zeros((3, 2), np.float32))
    assert export_module.export(eset, out) == [out]
    assert out.read_text() == "3\n"
    from embviz.io.safe_write import WriteError

    with pytest.raises(WriteError, match="already exists"):
        export_module.export(eset, out)


def test_every_builtin_command_is_registered() -> None:
    registered = set(cli_commands.commands.names())
    modules = {c.module for c in cli_commands.BUILTIN}
    assert registered == {c.name for c in cli_commands.BUILTIN}
    from pathlib import Path

    folder = Path(cli_commands.__file__).parent
    helpers = {"__init__", "commands", "read_options", "gui_launch", "embed_images"}
    assert {p.stem for p in folder.glob("*.py")} - helpers == modules


def test_library_warnings_become_one_line_each_said_once(plugin) -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=f"{plugin}{os.pathsep}{root}")
    done = subprocess.run(
        [sys.executable, "-m", "embviz", "noisy"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0
    assert done.stderr.splitlines() == [
        "embviz: WARNING: plugin broken in embviz.commands failed to load: "
        "No module named 'embviz_missing'",
        "embviz: warning: divide by zero encountered in divide",
        "embviz: warning: something odd",
    ]
