"""The main window: map in the middle, search on top, docks around, status and progress below."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QFrame,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QTabBar,
    QTabWidget,
    QToolBar,
)

from embviz import __version__
from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import TrustRequired
from embviz.core.model import Model
from embviz.core.paths import demo_path
from embviz.core.projection import keep_projection
from embviz.core.tasks import Task
from embviz.gui.errors import show_error
from embviz.gui.export_view import install as install_export
from embviz.gui.file_filters import FILE_FILTER
from embviz.gui.gui_gc import collect_in_gui_thread
from embviz.gui.map_area import MapArea
from embviz.gui.panel_registry import install_panels
from embviz.gui.progress_widget import ProgressWidget
from embviz.gui.projection_controller import ProjectionController
from embviz.gui.search_bar import SearchBar
from embviz.gui.search_controller import SearchController
from embviz.gui.views.scatter2d import ScatterView
from embviz.gui.workers import TaskRunner
from embviz.io.registry import load_task
from embviz.reduce.registry import default_reducer_for, projection_task

MAX_RECENT = 10
DOCK_WIDTH = 300  # the docks' first width; the map keeps the rest
DOCK_MIN_WIDTH = 200
DOCK_SHARE = 0.3  # when the window is made smaller, the docks give back room beyond this share
SET_NAME_CHARS = 18
FILE_SECTIONS = ("open", "add", "export", "close")  # File menu groups, in order, then Quit


FIRST_LAYOUT_MAX_VALUES = 20_000_000  # rows x dims: PCA in the loading worker, under 0.5 s


def load_with_first_layout(path: Path, options: dict) -> Task[EmbeddingSet]:
    """Read ``path``; then, for a set wider than 3 dims and of moderate size, compute the layout
    it is first shown with (PCA with its defaults, 2-D) in the same worker and keep it in the
    set's cache. The map finds it there when the set is added, so the panels installed on the GUI
    thread meanwhile (a deferred start) no longer hold the first layout back. If it fails, the
    set opens anyway and the projection controller computes, and reports, it as before."""
    eset = yield from load_task(path, **options)
    if not eset.vectors_loaded:  # a partitioned atlas: its own map, vectors left on disk
        return eset
    if 3 < eset.dims and len(eset) * eset.dims <= FIRST_LAYOUT_MAX_VALUES:
        version = eset.version
        try:
            projection = yield from projection_task(eset, default_reducer_for(eset.dims), None, 2)
        except Exception:  # noqa: BLE001 - shown by the controller when it runs it again
            return eset
        keep_projection(eset, projection, version)
    return eset


def warm_up_after_first_map() -> None:
    """Import in a thread, once the first map is drawn, what the first hover, lasso or panel
    would otherwise wait for (SciPy's k-d tree: 0.2 s); the start of the window does not."""

    def imports() -> None:
        import scipy.spatial  # noqa: F401

    threading.Thread(target=imports, name="embviz-warm-up", daemon=True).start()


class MainWindow(QMainWindow):
    idle = Signal()  # nothing running and the current set is drawn (used by `embviz render`)

    def __init__(self, settings: QSettings | None = None, defer_panels: bool = False) -> None:
        """``defer_panels``: install the panels other than Data right after the window is shown
        (the app's start; see panel_registry), not before it is built."""
        super().__init__()
        collect_in_gui_thread()  # also where the application was made elsewhere (tests, a host)
        self.settings = settings or QSettings("embviz", "embviz")
        self.session = Model()  # the open sets and the views' state; panels subscribe to it
        self.runner = TaskRunner(self)
        self.projector = ProjectionController(self.session, self.runner, self)
        self._load_queue: list[tuple[Path, bool, dict]] = []
        # panels that open some dropped files themselves (document tables): each takes the paths
        # and returns those it leaves to the ordinary opener
        self.drop_handlers: list = []
        self.last_error: QMessageBox | None = None
        self.setWindowTitle("embviz")
        self.setAcceptDrops(True)
        self.resize(1400, 900)
        self.view = ScatterView(self)  # the 2-D map; self.maps switches to 3-D
        self.docks: dict[str, QDockWidget] = {}
        # a dozen panels share the right-hand area: their tabs stand on its outer edge, one
        # under the other with whole names (side by side under it they were cut to "Se…", "P…")
        self.setTabPosition(Qt.DockWidgetArea.RightDockWidgetArea, QTabWidget.TabPosition.East)
        self._dock_fitter = QTimer(self, singleShot=True, interval=30)
        self._dock_fitter.timeout.connect(self._fit_docks)
        self._saved_layout: tuple[Any, int] | None = None  # for docks of later panels
        self._drawn_once = False
        self._build_toolbar()
        self._build_status_bar()
        self._build_menus()
        self.map_area = MapArea(self)
        self.maps = self.map_area.main  # its toolbar joins the set's, on the first row
        self.setCentralWidget(self.map_area.splitter)
        self.addToolBarBreak()
        self.addToolBar(self.search_toolbar)  # the search gets a row of its own
        self.search = SearchController(self)
        install_export(self)
        self._connect()
        self.panels = install_panels(self, defer=defer_panels)
        if defer_panels:  # also while the first set loads: the map's label items
            QTimer.singleShot(0, self, self.view.label_layer.prepare)
        if "data" in self.docks:
            self.resizeDocks([self.docks["data"]], [DOCK_WIDTH], Qt.Orientation.Horizontal)
            self.docks["data"].raise_()  # first run: show what is open (a saved layout overrides)

    # construction -------------------------------------------------------------------------
    def _build_toolbar(self) -> None:
        """Two rows that fit at 800 px: the set and the map's tools; then the search."""
        bar = self.set_toolbar = QToolBar("Set", self)
        bar.setObjectName("set-toolbar")
        bar.setMovable(False)
        bar.addWidget(QLabel(" Set: "))
        self.set_combo = QComboBox()
        self.set_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.set_combo.setMinimumContentsLength(SET_NAME_CHARS)  # a long name is elided
        self.set_combo.setToolTip("The open sets; choose one to show it")
        bar.addWidget(self.set_combo)
        self.addToolBar(bar)
        self.search_toolbar = QToolBar("Search", self)
        self.search_toolbar.setObjectName("search-toolbar")
        self.search_toolbar.setMovable(False)
        self.search_bar = SearchBar(self)
        self.search_toolbar.addWidget(self.search_bar)

    def add_dock(
        self, name: str, title: str, widget, area=Qt.DockWidgetArea.RightDockWidgetArea
    ) -> QDockWidget:
        """Put a panel in a dock (tabbed with the others in ``area``); View menu toggles it."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{name}-dock")
        # scrolled when narrow, so a wide panel never takes the map's room
        scroller = QScrollArea()
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setWidget(widget)
        scroller.setMinimumWidth(DOCK_MIN_WIDTH)
        dock.setWidget(scroller)
        same_area = [d for d in self.docks.values() if self.dockWidgetArea(d) == area]
        self.addDockWidget(area, dock)
        if same_area:
            self.tabifyDockWidget(same_area[0], dock)  # the first group: a dock may stand apart
        self.docks[name] = dock
        self._dock_fitter.start()  # the tab bars exist once the docks are laid out
        if hasattr(self, "view_menu"):
            self.view_menu.addAction(dock.toggleViewAction())
        return dock

    def restoreState(self, state, version: int | None = 0) -> bool:  # noqa: N802 (Qt naming)
        self._saved_layout = (state, version or 0)
        return super().restoreState(state, version or 0)

    def restore_docks(self, names: list[str]) -> None:
        """Docks of a panel installed after the saved layout was restored go where it says (the
        layout is applied again: Qt's restoreDockWidget would not see a dock the panel placed)."""
        if names and self._saved_layout is not None:
            super().restoreState(*self._saved_layout)

    def _build_status_bar(self) -> None:
        self.set_label = QLabel("No set open")
        self.selection_label = QLabel("nothing selected")
        self.progress = ProgressWidget(self.runner)
        status = self.statusBar()
        status.addWidget(self.set_label, 1)
        status.addWidget(self.selection_label, 1)
        status.addPermanentWidget(self.progress)

    def _build_menus(self) -> None:
        """File: open… | add to the set… | export… | close set | quit. Panels put their actions
        in a group with :meth:`add_file_action`."""
        file_menu = self.file_menu = self.menuBar().addMenu("&File")
        open_action = QAction("&Open…", self, shortcut=QKeySequence(QKeySequence.StandardKey.Open))
        open_action.triggered.connect(self.open_dialog)
        file_menu.addAction(open_action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        demo_action = QAction("Open &Demo", self)
        demo_action.triggered.connect(self.open_demo)
        file_menu.addAction(demo_action)
        self.file_sections = {name: file_menu.addSeparator() for name in FILE_SECTIONS}
        self.file_menu_end = self.file_sections["export"]  # export actions go before this
        self.close_set_action = QAction("&Close set", self, shortcut=QKeySequence("Ctrl+W"))
        self.close_set_action.setToolTip("Close the set shown; everything computed from it goes")
        self.close_set_action.triggered.connect(self.close_current_set)
        self.close_set_action.setEnabled(False)  # nothing open yet
        self.add_file_action("close", self.close_set_action)
        quit_action = QAction("&Quit", self, shortcut=QKeySequence(QKeySequence.StandardKey.Quit))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        self.view_menu = self.menuBar().addMenu("&View")
        beside = QAction("New map &beside", self, shortcut=QKeySequence("Ctrl+Shift+N"))
        beside.setToolTip("A second map of any open set; selection is linked by label")
        beside.triggered.connect(lambda: self.new_map_beside())
        self.view_menu.addAction(beside)
        self.link_action = QAction("&Link selection across maps", self, checkable=True)
        self.link_action.setChecked(True)
        self.link_action.setToolTip("Selecting points in one map selects the same labels in others")
        self.link_action.toggled.connect(lambda on: setattr(self.session, "link_selection", on))
        self.view_menu.addAction(self.link_action)
        self.view_menu.addSeparator()
        for dock in self.docks.values():
            self.view_menu.addAction(dock.toggleViewAction())
        self.tools_menu = self.menuBar().addMenu("&Tools")
        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About embviz", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)
        self._refresh_recent_menu()

    def add_file_action(self, section: str, action: QAction) -> None:
        """Put ``action`` at the end of a File menu group: "open", "add", "export" or "close"."""
        self.file_menu.insertAction(self.file_sections[section], action)

    def _connect(self) -> None:
        s = self.session
        s.current_changed.connect(self._on_current_changed)
        s.projection_changed.connect(self._on_projection_changed)
        s.selection_changed.connect(self._on_selection_changed)
        s.active_changed.connect(lambda _view: self._on_selection_changed())
        s.sets_changed.connect(self._refresh_set_combo)
        s.sets_changed.connect(self._show_set_name)  # a set may have been renamed
        self.set_combo.activated.connect(lambda i: s.show(s.sets[i]))
        self.runner.busyChanged.connect(self._maybe_idle)

    # opening files ------------------------------------------------------------------------
    def open_dialog(self) -> None:
        start = str(self.settings.value("last_dir", str(Path.home())))
        paths, _ = QFileDialog.getOpenFileNames(self, "Open embeddings", start, FILE_FILTER)
        if paths:
            self.settings.setValue("last_dir", str(Path(paths[0]).parent))
            self.open_paths(paths)

    def open_demo(self) -> None:
        self.open_paths([demo_path()], remember=False)

    def open_paths(self, paths, remember: bool = True, **options) -> None:
        """Open files one after another in a worker; each becomes the current set."""
        for path in paths:
            self._load_queue.append((Path(path), remember, options))
        if not self.runner.is_busy("load"):
            self._load_next()

    def _load_next(self) -> None:
        if not self._load_queue:
            return
        path, remember, options = self._load_queue.pop(0)
        self.runner.run(
            "load",
            f"Opening {path.name}",
            lambda: load_with_first_layout(path, options),
            on_result=lambda eset: self._on_loaded(path, eset, remember),
            on_error=lambda exc: self._on_load_failed(path, exc, remember, options),
        )

    def new_map_beside(self, eset: EmbeddingSet | None = None):
        """View > New map beside: another map, side by side, of ``eset`` (default: another
        open set). Returns the new map (its ``controller`` and ``state``)."""
        return self.map_area.add_beside(eset)

    def close_current_set(self) -> None:
        """File > Close set: the set goes, and all that was computed from it."""
        eset = self.session.current
        if eset is not None:
            self.session.close_set(eset)

    def _on_loaded(self, path: Path, eset: EmbeddingSet, remember: bool) -> None:
        if remember:
            self._remember(path)
        if path == demo_path():
            eset.name = "demo: all-MiniLM-L6-v2 words"
        self.panels.install_waiting()  # every panel exists before the first set it could show
        self.session.add_set(eset)
        self._load_next()

    def _on_load_failed(self, path: Path, exc: BaseException, remember=True, options=None) -> None:
        if isinstance(exc, TrustRequired) and self.ask_trust(path, str(exc)):
            self._load_queue.insert(0, (path, remember, {**(options or {}), "trust": True}))
            self._load_next()
            return
        self._load_queue.clear()
        self.last_error = show_error(self, "Could not open file", exc, f"Could not open {path}")
        self.statusBar().showMessage(f"Could not open {path.name}; the previous set is kept.", 8000)
        self._maybe_idle(self.runner.is_busy())

    def ask_trust(self, path: Path, why: str) -> bool:
        """A pickle runs code from the file: load it only if the person says so."""
        answer = QMessageBox.question(
            self,
            "Load a pickle file?",
            f"{why}\n\nLoad {path.name} only if you trust where it came from. Load it?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def cancel(self) -> None:
        """Stop all running work: loading, projections and background jobs (e.g. quality)."""
        self._load_queue.clear()
        for runner in self.findChildren(TaskRunner):
            runner.cancel()

    # recent files -------------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        value = self.settings.value("recent_files", [])
        if isinstance(value, str):
            return [value]
        return [str(v) for v in value] if isinstance(value, list | tuple) else []

    def _remember(self, path: Path) -> None:
        recent = [str(path.resolve())] + [
            p for p in self.recent_files() if p != str(path.resolve())
        ]
        self.settings.setValue("recent_files", recent[:MAX_RECENT])
        self._refresh_recent_menu()

    def _refresh_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.recent_files()
        for path in recent:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_paths([p]))
        self.recent_menu.setEnabled(bool(recent))

    # drag and drop ------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt naming)
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            for handler in self.drop_handlers:
                paths = handler(paths)
            if paths:
                self.open_paths(paths)

    # session -> views ---------------------------------------------------------------------
    def _on_current_changed(self, eset: EmbeddingSet | None) -> None:
        self._refresh_set_combo()
        self._show_set_name()
        self.close_set_action.setEnabled(eset is not None)

    def _on_projection_changed(self, projection) -> None:
        # the maps draw it (MapController); here only: the window may now be idle
        if self.session.current is not None and projection is not None:
            self._maybe_idle(self.runner.is_busy())

    def _on_selection_changed(self, *_args) -> None:
        self.selection_label.setText(self.session.selection_text())

    def _show_set_name(self) -> None:
        eset = self.session.current
        if eset is None:
            self.set_label.setText("No set open")
            self.setWindowTitle("embviz")
        else:
            self.set_label.setText(f"{eset.name} — {len(eset):,} × {eset.dims}")
            self.setWindowTitle(f"embviz — {eset.name}")

    def _refresh_set_combo(self) -> None:
        self.set_combo.blockSignals(True)
        self.set_combo.clear()
        for eset in self.session.sets:
            self.set_combo.addItem(f"{eset.name} ({len(eset):,} × {eset.dims})")
        if self.session.current in self.session.sets:
            self.set_combo.setCurrentIndex(self.session.sets.index(self.session.current))
        self.set_combo.blockSignals(False)

    def _maybe_idle(self, busy: bool) -> None:
        if not busy and not self._load_queue:
            if not self._drawn_once and self.session.current is not None:
                self._drawn_once = True
                QTimer.singleShot(0, self, warm_up_after_first_map)
            self.idle.emit()

    def is_idle(self) -> bool:
        """Nothing running, and every view draws a finished layout of its set's vectors."""
        drawn = all(
            view.eset is None
            or (
                view.projection is not None
                and view.projection_is_current
                and not view.projection.partial
            )
            for view in self.session.views
        )
        waiting = bool(self.panels.waiting)
        return not self.runner.is_busy() and not self._load_queue and drawn and not waiting

    def _about(self) -> None:
        QMessageBox.about(self, "About embviz", f"embviz {__version__}\nSee and probe embeddings.")

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        """A smaller window keeps most of its room for the map: docks narrow to a share."""
        super().resizeEvent(event)
        self._fit_docks()  # at once (the layout has the new size), so the map does not jump later
        self._dock_fitter.start()  # and once more when the docks have settled

    def _fit_docks(self) -> None:
        for bar in self.findChildren(QTabBar):
            if bar.parent() is self:  # the docks' tab bars, not tabs inside a panel
                bar.setElideMode(Qt.TextElideMode.ElideNone)
                bar.setUsesScrollButtons(True)
        limit = max(DOCK_MIN_WIDTH, int(self.width() * DOCK_SHARE))
        wide = [
            dock
            for dock in self.docks.values()
            if dock.isVisible() and not dock.isFloating() and dock.width() > limit
        ]
        if wide:
            self.resizeDocks(wide, [limit] * len(wide), Qt.Orientation.Horizontal)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.cancel()
        QThreadPool.globalInstance().waitForDone(2000)  # let cancelled work reach its next yield
        super().closeEvent(event)
