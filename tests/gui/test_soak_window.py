"""The window's soak at small scale (benchmarks/soak.py --window): open / project / neighbours /
File > Close set, repeated; no set outlives its cycle, and RSS stays flat."""

from __future__ import annotations

import gc
import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "soak.py"


def test_closed_sets_are_freed_in_the_window(window, tmp_path) -> None:
    spec = importlib.util.spec_from_file_location("embviz_soak", SCRIPT)
    soak = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(soak)
    path = soak.make_file(tmp_path, rows=3000, dims=48)
    curve, alive = soak.soak(path, cycles=8, window=window)
    gc.collect()
    assert alive == 0  # every closed set was freed (nothing in the window kept it)
    assert window.session.current is None
    assert curve[-1] - curve[1] < 25e6, [round(r / 1e6, 1) for r in curve]
