"""Python's cyclic garbage is collected in the GUI thread only.

Left automatic, a collection runs in whichever thread happens to allocate when a threshold is
crossed: often a worker's (reading a file, fitting a layout). Cyclic garbage that holds Qt objects
made in the GUI thread (a closed window's widgets, a view's items) is then destroyed in that worker
thread, and Qt crashes: one CI run died so ("Fatal Python error: Segmentation fault ...
Garbage-collecting", in a worker reading a text file while the GUI tests ran). pyqtgraph's
GarbageCollector switches automatic collection off and collects on a timer in the thread that
made it, with the interpreter's own thresholds; it is used rather than written again.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

INTERVAL_S = 0.5  # how often the GUI thread looks at the collector's counts

_ATTRIBUTE = "_embviz_garbage_collector"


def collect_in_gui_thread() -> None:
    """Collect cyclic garbage only in the GUI thread, from now on (once per application)."""
    app = QCoreApplication.instance()
    if app is None or getattr(app, _ATTRIBUTE, None) is not None:
        return
    from pyqtgraph.util.garbage_collector import GarbageCollector

    collector = GarbageCollector(interval=INTERVAL_S)
    collector.timer.setParent(app)  # stops with the application
    setattr(app, _ATTRIBUTE, collector)


def collect_if_due() -> None:
    """Run the GUI thread's collection now if the counts call for one (as its timer would)."""
    app = QCoreApplication.instance()
    collector = getattr(app, _ATTRIBUTE, None) if app is not None else None
    if collector is not None:
        collector.check()
