"""Opening a file and showing it on the 3-D map, as a person does, for the 3-D view's tests."""

from __future__ import annotations

import os

import pytest


def open_in_3d(window, qtbot, path):
    """Open ``path`` in ``window`` and switch the map to 3-D; the 3-D view. Skips where no OpenGL
    context can be made (run the 3-D tests under xvfb-run with GLX)."""
    if not os.environ.get("DISPLAY") or os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        pytest.skip("3-D view needs an X display with GLX: run under xvfb-run")
    window.open_paths([path])
    qtbot.waitUntil(lambda: window.session.current is not None and window.is_idle(), timeout=15000)
    window.maps.three_d_action.setChecked(True)
    view = window.maps.view3d
    if view is None or not view.isValid():
        pytest.skip("no OpenGL context could be created here")
    return view
