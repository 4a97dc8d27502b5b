"""Opening a table of documents in the window and searching it in plain words, as a person does:
File > Open documents…, choose the columns in the dialog, wait for the embedding, type a query.
The results are compared with sentence-transformers' own cosine ranking, computed here from the
texts; a bad table gives a message and keeps what was open."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from embviz.core.semantic_search import PLACE_NEIGHBOURS
from tests.gui.atlas_fixtures import grid_corpus, open_corpus, pang_lee
from tests.gui.pixel_probe import image_array, window_pos
from tests.gui.test_main_window import drop

pytest.importorskip("embviz.io.documents")  # atlas-data's document tables (lands with them)

N_DOCS = 60
QUERY = "a funny and touching film"


@pytest.fixture(scope="module")
def reviews_csv(tmp_path_factory):
    texts, labels = pang_lee(N_DOCS)
    path = tmp_path_factory.mktemp("atlas") / "reviews.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "review", "sentiment", "words", "published"])
        for i, (text, label) in enumerate(zip(texts, labels, strict=True)):
            writer.writerow([f"r{i}", text, label, len(text.split()), f"2021-02-{1 + i % 28:02d}"])
    return path, texts


@pytest.fixture(scope="module")
def reference():
    """sentence-transformers with the default model: the independent reference."""
    from sentence_transformers import SentenceTransformer

    from embviz.models.default_model import default_model_dir

    return SentenceTransformer(str(default_model_dir()), device="cpu")


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("EMBVIZ_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "embviz-cache"))


def _open_through_the_dialog(window, qtbot, path):
    opener = window.panels["documents_open"]
    opener.open_documents(path)
    qtbot.waitUntil(lambda: opener.dialog is not None and opener.dialog.isVisible(), timeout=20000)
    dialog = opener.dialog
    listed = {
        dialog.columns.item(i, 0).text(): dialog.columns.item(i, 1).text()
        for i in range(dialog.columns.rowCount())
    }
    assert list(listed) == ["id", "review", "sentiment", "words", "published"]  # file order
    assert (listed["review"], listed["sentiment"]) == ("text", "category")
    assert (listed["words"], listed["published"]) == ("number", "date")
    assert dialog.text_combo.currentText() == "review"  # the longest text, guessed
    assert dialog.embedder_combo.currentData() == "sentence"  # the default model
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(
        lambda: window.session.current is not None and window.session.current.corpus is not None
        and window.is_idle(),
        timeout=60000,
    )  # fmt: skip
    return window.session.current


def test_open_embed_and_search_equals_sentence_transformers(window, qtbot, reviews_csv, reference):
    path, texts = reviews_csv
    window.resize(1500, 1000)
    eset = _open_through_the_dialog(window, qtbot, path)
    assert len(eset) == N_DOCS and eset.corpus.text_column == "review"
    assert window.docks["documents"].isVisible()
    search = window.panels["semantic_search"]
    search.k.setValue(10)
    search.query.setText(QUERY)
    qtbot.mouseClick(search.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: search.results.rowCount() == 10, timeout=30000)
    docs = reference.encode(texts, normalize_embeddings=True)
    query = reference.encode([QUERY], normalize_embeddings=True)[0]
    cosine = docs @ query
    expected = np.argsort(-cosine, kind="stable")[:10]
    assert search.listed_rows() == expected.tolist()
    shown_scores = [float(search.results.item(i, 2).text()) for i in range(10)]
    np.testing.assert_allclose(shown_scores, cosine[expected], atol=1e-3)  # as printed: 4 digits
    assert [search.results.item(i, 1).text() for i in range(10)] == [
        eset.labels[r] for r in expected
    ]
    # the results are marked on the map, in the search's colour, at their drawn places
    view = window.view
    assert sorted(view.overlay_rows.tolist()) == sorted(expected.tolist())
    qtbot.wait(100)
    rgb = image_array(window.grab()).astype(float)
    colour = np.array(search_colour(window), float)
    hits = 0
    for row in expected:
        at = window_pos(window, view, *view.coords[row])
        pixel = rgb[int(at.y()), int(at.x())]
        hits += np.abs(pixel - colour).max() <= 40
    assert hits >= 8, f"only {hits} of 10 results show the search colour at their place"
    # the query's star sits at the similarity-weighted mean of its ten nearest documents
    near = expected[:PLACE_NEIGHBOURS]
    weights = np.clip(cosine[near], 0, None)
    place = (weights[:, None] * view.coords[near]).sum(axis=0) / weights.sum()
    star = view.marks.star.getData()
    np.testing.assert_allclose([star[0][0], star[1][0]], place, rtol=1e-4, atol=1e-4)
    # clicking a result selects that document, and the side panel shows its full text
    search.results.cellClicked.emit(0, 1)
    assert window.session.selection.tolist() == [int(expected[0])]
    assert window.panels["document_text"].shown_text() == texts[expected[0]]


def search_colour(window):
    from embviz.gui.panels.semantic_search import COLOUR

    return COLOUR


def test_a_set_without_its_model_says_search_needs_it(window, qtbot):
    open_corpus(window, qtbot, grid_corpus(20))  # vectors made without a query model
    search = window.panels["semantic_search"]
    assert not search.query.isEnabled()
    assert "needs the model that made these vectors" in search.info.text()


def test_a_bad_table_says_why_and_keeps_the_open_set(window, qtbot, tmp_path):
    eset = grid_corpus(20)
    open_corpus(window, qtbot, eset)
    bad = tmp_path / "broken.jsonl"
    bad.write_text(
        '{"text": "a first document that reads well"}\n{"text": "no end\n', encoding="utf-8"
    )
    window.panels["documents_open"].open_documents(bad)
    qtbot.waitUntil(lambda: window.last_error is not None, timeout=20000)
    message = window.last_error.text()
    assert "broken.jsonl" in message and "Traceback" not in message
    assert window.last_error.detailedText() == ""  # a person's error, not a bug report
    assert window.session.current is eset and window.session.sets == [eset]


def test_a_dropped_document_table_asks_for_its_columns_and_a_table_of_vectors_opens(
    window, qtbot, reviews_csv, tmp_path
):
    path, _texts = reviews_csv
    opener = window.panels["documents_open"]
    drop(window, [path])
    qtbot.waitUntil(lambda: opener.dialog is not None and opener.dialog.isVisible(), timeout=20000)
    assert opener.dialog.doc_table.path == path
    opener.dialog.reject()
    vectors = tmp_path / "vectors.csv"  # label + 24 numbers: embeddings, not documents
    rows = np.random.default_rng(1).normal(size=(12, 24))
    with open(vectors, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["label", *(f"d{i}" for i in range(24))])
        writer.writerows([[f"word{i}", *row] for i, row in enumerate(rows)])
    drop(window, [vectors])
    qtbot.waitUntil(lambda: window.session.current is not None, timeout=20000)
    eset = window.session.current
    assert eset.corpus is None and eset.shape == (12, 24)


def test_cancelling_the_embedding_keeps_what_was_open(window, qtbot, tmp_path):
    eset = grid_corpus(20)
    open_corpus(window, qtbot, eset)
    texts, labels = pang_lee(200)
    path = tmp_path / "more.jsonl"  # texts not embedded before: nothing in the cache
    rows = [
        json.dumps({"text": f"{text} (again)", "label": label})
        for text, label in zip(texts, labels, strict=True)
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    opener = window.panels["documents_open"]
    opener.open_documents(path)
    qtbot.waitUntil(lambda: opener.dialog is not None and opener.dialog.isVisible(), timeout=20000)
    opener.dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: window.progress.isVisible(), timeout=5000)
    assert "Embedding 200 documents of more.jsonl" in window.progress.handle.description
    qtbot.mouseClick(window.progress.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=10000)
    qtbot.wait(500)
    assert window.session.sets == [eset] and window.session.current is eset
