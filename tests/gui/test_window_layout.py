"""At 800 x 600 the map keeps most of the window and every toolbar control is shown whole."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QToolBar, QToolButton

from embviz.core.dataset import EmbeddingSet


def test_small_window_keeps_most_room_for_the_map_and_the_toolbars_fit(window, qtbot):
    window.session.add_set(
        EmbeddingSet(
            [f"w{i}" for i in range(40)],
            np.random.default_rng(0).normal(size=(40, 8)),
            name="a set with a rather long name from a long path.vec",
        )
    )
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.width() == 800 and window.height() == 600, timeout=3000)
    stack = window.maps.stack

    def share() -> float:
        return stack.width() * stack.height() / (window.width() * window.height())

    # the docks give back their room once the resize has settled
    qtbot.waitUntil(lambda: share() > 0.55, timeout=3000)
    assert stack.width() >= 0.6 * window.width()
    window_rect = QRect(0, 0, window.width(), window.height())
    bars = [bar for bar in window.findChildren(QToolBar) if bar.isVisible()]
    assert {bar.objectName() for bar in bars} >= {"set-toolbar", "map-toolbar", "search-toolbar"}
    for bar in bars:
        extension = bar.findChild(QToolButton, "qt_toolbar_ext_button")
        assert extension is None or not extension.isVisible(), f"{bar.objectName()} overflows"
        for action in bar.actions():
            if action.isSeparator():
                continue
            widget = bar.widgetForAction(action)
            assert widget is not None and widget.isVisible(), action.text()
            rect = QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())
            assert window_rect.contains(rect), (action.text(), rect)
            assert widget.width() >= widget.minimumSizeHint().width(), action.text()
    # the search box and the set chooser are usable, not squeezed
    assert window.search_bar.edit.width() >= 150
    assert window.set_combo.width() >= 120


# Virtual methods Qt calls on a widget from C++ (painting, layout, events): an instance attribute
# of the same name on one of our widgets is called instead (a panel's `self.metric = QComboBox()`
# made painting crash with "'QComboBox' object is not callable").
QT_VIRTUALS = {
    "metric", "devType", "paintEngine", "initPainter", "redirected", "sharedPainter", "event",
    "eventFilter", "sizeHint", "minimumSizeHint", "heightForWidth", "hasHeightForWidth",
    "setVisible", "paintEvent", "resizeEvent", "showEvent", "hideEvent", "changeEvent",
    "focusNextPrevChild", "inputMethodQuery", "nativeEvent", "childEvent", "timerEvent",
}  # fmt: skip


def test_no_widget_of_ours_hides_a_qt_virtual_behind_an_attribute(window):
    from PySide6.QtWidgets import QWidget

    window.panels["compute"].open_dialog().hide()
    ours = [w for w in window.findChildren(QWidget) if type(w).__module__.startswith("embviz")]
    assert len(ours) > 10
    clashes = {
        f"{type(w).__name__}.{name}" for w in ours for name in vars(w) if name in QT_VIRTUALS
    }
    assert not clashes
