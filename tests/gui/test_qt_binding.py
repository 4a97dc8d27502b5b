"""The Qt binding must not leak references to None/True/False (PySide6 6.12 on Python 3.11 did,
and the interpreter aborted after about 10,000 Qt calls: seconds of panning)."""

from __future__ import annotations

import os
import subprocess
import sys

CHECK = """
import sys
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
before = sys.getrefcount(None), sys.getrefcount(True)
for _ in range(20000):
    label.setText("x")
    label.isVisible()
after = sys.getrefcount(None), sys.getrefcount(True)
print(after[0] - before[0], after[1] - before[1])
"""


def test_many_qt_calls_leave_refcounts_alone():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, "the interpreter aborted: " + result.stderr[-500:]
    drift_none, drift_true = map(int, result.stdout.split())
    assert abs(drift_none) < 100 and abs(drift_true) < 100
