"""File > Open graph (edge list)…, edge lists dropped on the window, and graph sets reopened.

An edge list is trained in a worker (:func:`embviz.models.graph.train.train_graph`: node2vec,
DeepWalk or Poincaré, with progress and the status bar's Cancel) after a dialog whose form is
generated from :class:`~embviz.models.graph.params.GraphParams` (the same fields as the CLI's
flags). The trained set opens coloured by its Louvain communities; a Poincaré set of more than
2 dims is laid out by the disk layout (:mod:`embviz.models.graph.disk_layout`), which keeps the
disk. A set opened from vectors that ``embviz train --graph`` wrote finds its edges through the
side file beside them (read in a worker) and gets its community column then. A file that is no
edge list, or a training that fails or is cancelled, leaves what was open as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6 import QtWidgets as qw
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError
from embviz.core.params import make_params
from embviz.core.tasks import Progress, Task
from embviz.gui.errors import show_error
from embviz.gui.forms import ParamsForm

CHANNEL = "graph"
EDGE_SUFFIXES = (".tsv", ".csv", ".txt", ".edges", ".edgelist", ".el", ".tab")
FILTER = "Edge lists (*.tsv *.csv *.txt *.edges *.edgelist *.el *.tab);;All files (*)"
SETTINGS_KEY = "graph/params"


class GraphDialog(qw.QDialog):
    """Which algorithm and parameters to train an edge list with."""

    def __init__(self, parent, path: Path, settings=None) -> None:
        from embviz.models.graph.params import GraphParams

        super().__init__(parent)
        self.path = path
        self.setWindowTitle(f"Embed the graph — {path.name}")
        self.form = ParamsForm()
        self.form.build(GraphParams)
        if settings is not None:
            self.form.restore(settings, SETTINGS_KEY)
        self.message = qw.QLabel(
            "node2vec / DeepWalk: random walks, then Word2Vec (skip-gram). Poincaré: gensim's "
            "PoincareModel; 2 dims are drawn as they are in the unit disk. 0 = the algorithm's "
            "default."
        )
        self.message.setWordWrap(True)
        buttons = qw.QDialogButtonBox(
            qw.QDialogButtonBox.StandardButton.Ok | qw.QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(qw.QDialogButtonBox.StandardButton.Ok).setText("Train")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = qw.QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.form)
        layout.addWidget(buttons)
        self.params: Any = None
        self.settings = settings
        self.resize(max(480, self.sizeHint().width()), self.sizeHint().height())

    def _accept(self) -> None:
        from embviz.models.graph.params import GraphParams

        try:
            self.params = make_params(GraphParams, self.form.values(), "graph")
        except EmbvizError as exc:
            self.message.setText(str(exc))
            self.message.setStyleSheet("color: #c0392b")
            return
        if self.settings is not None:
            self.form.remember(self.settings, SETTINGS_KEY)
        self.accept()


class GraphOpener(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.main = window
        self.dialog: GraphDialog | None = None
        self.action = QAction("Open &graph (edge list)…", window)
        self.action.setToolTip(
            "Embed the nodes of an edge list (source target [weight]) with node2vec, DeepWalk or "
            "Poincaré embeddings"
        )
        self.action.triggered.connect(self.open_dialog)
        window.add_file_action("open", self.action)
        window.drop_handlers.append(self.take_dropped)
        window.session.set_added.connect(self._on_set_added)

    # asking -------------------------------------------------------------------------------
    def open_dialog(self) -> None:
        start = str(self.main.settings.value("last_dir", str(Path.home())))
        path, _ = qw.QFileDialog.getOpenFileName(self.main, "Open graph", start, FILTER)
        if path:
            self.main.settings.setValue("last_dir", str(Path(path).parent))
            self.ask(path)

    def take_dropped(self, paths: list[str]) -> list[str]:
        """Dropped edge lists are trained here; anything else goes on to the other openers."""
        from embviz.io.edge_list import sniff_edge_list

        left = []
        for path in paths:
            if Path(path).suffix.lower() in EDGE_SUFFIXES and sniff_edge_list(path):
                self.ask(path)
            else:
                left.append(path)
        return left

    def ask(self, path: str | Path) -> GraphDialog:
        self.dialog = dialog = GraphDialog(self.main, Path(path), self.main.settings)
        dialog.accepted.connect(lambda: self.train(dialog.path, dialog.params))
        dialog.open()
        return dialog

    # training -----------------------------------------------------------------------------
    def train(self, path: str | Path, params) -> None:
        """Train in a worker; the set opens when it is done (progress and Cancel: status bar)."""
        path = Path(path)
        self.main.runner.run(
            CHANNEL,
            f"Embedding the graph {path.name} ({params.algorithm})",
            lambda: _train_task(path, params),
            on_result=self._opened,
            on_error=lambda exc: self._failed(f"Could not embed {path.name}", exc, path),
        )

    def _opened(self, eset: EmbeddingSet) -> None:
        session = self.main.session
        session.add_set(eset)
        self._lay_out(eset)
        if "community" in eset.metadata and session.active.eset is eset:
            session.active.set_colour_column("community")
        self.main.statusBar().showMessage(
            f"Opened {len(eset):,} nodes x {eset.dims} dims of {eset.name}; coloured by "
            "community. Select nodes to see their edges.",
            8000,
        )

    def _lay_out(self, eset: EmbeddingSet) -> None:
        """A Poincaré ball of more than 2 dims: the disk layout instead of PCA (which would move
        its centre); 2 dims are drawn as they are."""
        from embviz.core.poincare import is_poincare
        from embviz.models.graph.disk_layout import NAME

        if is_poincare(eset) and eset.dims > 2:
            self.main.projector.project(eset, NAME)

    def _failed(self, title: str, exc: BaseException, path: Path) -> None:
        self.main.last_error = show_error(self.main, title, exc, f"{title} ({path})")
        self.main.statusBar().showMessage(f"{title}; what was open is kept.", 8000)

    # vectors written by `embviz train --graph` ------------------------------------------------
    def _on_set_added(self, eset: EmbeddingSet) -> None:
        """A set with a side file: marked Poincaré at once (the neighbour metric follows), its
        edges and communities read in a worker."""
        from embviz.core import poincare
        from embviz.models.graph.graph_set import graph_of, read_side_file

        if graph_of(eset) is not None or not eset.source.path:
            return
        try:
            record = read_side_file(eset.source.path)
        except EmbvizError as exc:
            self.main.statusBar().showMessage(str(exc), 8000)
            return
        if record is None:
            return
        if record.get("algorithm") == "poincare":
            poincare.mark(eset)
        self.main.runner.run(
            f"{CHANNEL}-edges-{eset.uid}",
            f"Reading the edges of {eset.name}",
            lambda: _edges_task(eset),
            on_result=lambda found: self._edges_read(eset, found),
            on_error=lambda exc: self.main.statusBar().showMessage(str(exc), 8000),
        )

    def _edges_read(self, eset: EmbeddingSet, found) -> None:
        from embviz.models.graph.graph_set import attach

        session = self.main.session
        if found is None or eset not in session.sets:
            return
        info, columns = found
        attach(eset, info)
        session.set_metadata(eset, {**eset.metadata, **columns})
        self._lay_out(eset)
        view = session.active
        if view.eset is eset and view.colour_column is None:
            view.set_colour_column("community")


def _train_task(path: Path, params) -> Task[EmbeddingSet]:
    from embviz.models.graph.graph_set import to_set
    from embviz.models.graph.train import train_graph

    result = yield from train_graph(path, params)
    yield Progress(None, "Finding communities")
    return to_set(result)


def _edges_task(eset: EmbeddingSet) -> Task[Any]:
    from embviz.models.graph.graph_set import edges_for

    yield Progress(None, f"Reading the edges of {eset.name}")
    return edges_for(eset)


def install(window) -> GraphOpener:
    return GraphOpener(window)
