"""The anatomy panel's other boxes in the real window: pieces per word of an open static set (a
column to colour by, and the 1/2/3/4+ counts), one word's static and contextual vectors on one
map, and a folder that is not a model said plainly with nothing opened."""

from __future__ import annotations

import numpy as np
import pytest

WORDS = [
    "the", "bank", "tokenizers", "unbelievable", "antidisestablishmentarianism", "café",
    "embeddings", "xylophonist", "river", "pneumonoultramicroscopic", "a", "hyperparameters",
]  # fmt: skip


@pytest.fixture(scope="module")
def reference():
    from transformers import AutoTokenizer

    from embviz.models.default_model import default_model_dir

    return AutoTokenizer.from_pretrained(str(default_model_dir()), local_files_only=True)


def test_pieces_per_word_of_a_static_set(window, qtbot, tmp_path, reference):
    path = tmp_path / "words.txt"
    rng = np.random.default_rng(0)
    rows = [f"{w} " + " ".join(f"{v:.4f}" for v in rng.normal(size=5)) for w in WORDS]
    path.write_text(f"{len(WORDS)} 5\n" + "\n".join(rows) + "\n", encoding="utf-8")
    window.open_paths([path])
    qtbot.waitUntil(lambda: window.session.current is not None and window.is_idle(), timeout=20000)
    eset = window.session.current
    panel = window.panels["anatomy"]
    panel.tokenizer.count_button.click()
    qtbot.waitUntil(lambda: "pieces" in eset.metadata, timeout=30000)
    expected = [len(reference.tokenize(w)) for w in eset.labels]
    assert eset.metadata["pieces"].tolist() == expected
    assert window.session.active.colour_column == "pieces"
    counts = np.bincount(np.minimum(expected, 4), minlength=5)
    text = panel.tokenizer.counts.text()
    assert f"1: {counts[1]} · 2: {counts[2]} · 3: {counts[3]} · 4+: {counts[4]}" in text
    legend = window.view.legend.entries()
    assert legend[0] == "<b>pieces</b>"  # the map's legend: coloured by the new column


def test_static_and_contextual_vectors_on_one_map(window, qtbot):
    from embviz.gui.anatomy.overlays import PATHS

    panel = window.panels["anatomy"]
    spaces = panel.spaces
    spaces.word.setText("bank")
    spaces.sentences.setPlainText("The bank of the river.\nThe bank raised rates.\nNo word.")
    spaces.run_button.click()
    qtbot.waitUntil(lambda: window.session.current is not None and window.is_idle(), timeout=60000)
    state = window.session.active
    eset = state.eset
    assert eset.name == "bank: static vs contextual"
    assert state.colour_column == "kind"
    kinds = eset.metadata["kind"].tolist()
    assert kinds.count("input table") == 1 and kinds.count("static (distilled)") == 1
    assert len(eset) == 1 + 2 * 7 + 1
    edges = state.overlays[PATHS].edges
    assert len(edges) == 2 * 6  # each occurrence joined layer 0 -> 1 -> ... -> 6
    for a, b in edges:
        assert eset.metadata["occurrence"][a] == eset.metadata["occurrence"][b]
        assert eset.metadata["layer"][b] == eset.metadata["layer"][a] + 1
    labelled = {eset.labels[r] for r in state.overlays[PATHS].rows}
    assert labelled == {"bank · input table", "bank · static (distilled)"}


def test_a_folder_that_is_not_a_model_is_said_and_nothing_opens(window, qtbot, tmp_path):
    panel = window.panels["anatomy"]
    panel.tables.model_box.setCurrentText(str(tmp_path))
    panel.tables.open_tables()
    qtbot.waitUntil(lambda: panel.tables.open_button.isEnabled(), timeout=10000)
    text = panel.tables.message.text()
    assert str(tmp_path) in text and "not a model folder" in text and "config.json" in text
    assert window.session.sets == []


def test_a_byte_level_bpe_model_folder(window, qtbot, tmp_path):
    """GPT-2 style (byte-level BPE, no token types): its tables open, the missing token types
    are said, and the chips are that tokenizer's own pieces (Ġ marks a word start)."""
    from transformers import AutoTokenizer

    from tests.models.tiny_models import byte_bpe_tokenizer, gpt2

    tokenizer = byte_bpe_tokenizer()
    folder = tmp_path / "tiny-gpt2"
    gpt2(len(tokenizer)).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    reference = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    panel = window.panels["anatomy"]
    panel.tables.model_box.setCurrentText(str(folder))
    panel.tables.open_tables()
    qtbot.waitUntil(lambda: len(window.session.sets) == 3 and window.is_idle(), timeout=30000)
    names = [s.name for s in window.session.sets]
    assert any("token table" in n for n in names) and any("sinusoidal" in n for n in names)
    assert "no token type embeddings" in panel.tables.message.text()
    text = "the quick fox jumps over café tokens"
    panel.tokenizer.text.setText(text)
    qtbot.waitUntil(
        lambda: panel.tokenizer.shown is not None and panel.tokenizer.shown.text == text,
        timeout=10000,
    )
    pieces = reference.tokenize(text)
    assert panel.tokenizer.chips.pieces() == pieces
    assert panel.tokenizer.chips.ids() == reference.convert_tokens_to_ids(pieces)
    assert any(p.startswith("Ġ") for p in pieces)


def test_cancel_opens_nothing(window, qtbot):
    panel = window.panels["anatomy"]
    panel.tables.open_tables()
    assert panel.tables.cancel_button.isEnabled() and panel.tables.bar.isVisibleTo(panel)
    panel.tables.cancel_button.click()
    assert panel.tables.open_button.isEnabled() and not panel.tables.cancel_button.isEnabled()
    assert "Cancelled" in panel.tables.message.text()
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(60000)  # the worker has ended (its result dropped)
    qtbot.wait(100)
    assert window.session.sets == []
