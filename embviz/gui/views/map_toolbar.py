"""The map's toolbar: pan / box / lasso tools, isolate, clear, and the 2-D / 3-D switch."""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QToolBar


def build_map_toolbar(controller) -> QToolBar:
    window = controller.window
    bar = QToolBar("Map", window)
    bar.setObjectName("map-toolbar")
    group = QActionGroup(bar)
    controller.tool_actions = {}
    for tool, text, key, tip in (
        ("pan", "Pan", "P", "Drag to pan, wheel to zoom; click a point to select it"),
        ("box", "Box", "B", "Drag a box to select (Shift adds, Ctrl removes)"),
        ("lasso", "Lasso", "L", "Draw around points to select (Shift adds, Ctrl removes)"),
    ):
        action = QAction(text, bar, checkable=True, shortcut=QKeySequence(key), toolTip=tip)
        action.triggered.connect(lambda _=False, t=tool: controller.set_tool(t))
        group.addAction(action)
        bar.addAction(action)
        controller.tool_actions[tool] = action
    controller.tool_actions["pan"].setChecked(True)
    bar.addSeparator()
    isolate = QAction("Isolate", bar, checkable=True, shortcut=QKeySequence("I"))
    isolate.setToolTip("Show only the selected points")
    isolate.toggled.connect(controller.set_isolated)
    clear = QAction("Clear", bar, shortcut=QKeySequence("Esc"), toolTip="Clear the selection")
    clear.triggered.connect(lambda: controller.session.select([]))
    three_d = QAction("3D", bar, checkable=True, shortcut=QKeySequence("3"))
    three_d.setToolTip("Show the map in 3-D (orbit: drag; zoom: wheel; pan: middle drag)")

    def toggle_3d(on: bool) -> None:
        if not controller.show_3d(on):
            three_d.setChecked(False)

    three_d.toggled.connect(toggle_3d)
    for action in (isolate, clear, three_d):
        bar.addAction(action)
    controller.isolate_action, controller.clear_action, controller.three_d_action = (
        isolate,
        clear,
        three_d,
    )
    window.addToolBar(bar)
    return bar
