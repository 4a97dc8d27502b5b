"""Translate tab on real data: gensim's EN and IT Europarl vectors and its EN-IT dictionary.

With the linear alignment the translations must be gensim's TranslationMatrix's, word for word;
CSLS's best word is checked against the paper's formula computed here with numpy.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from gensim.models import KeyedVectors
from gensim.models.translation_matrix import TranslationMatrix
from gensim.test.utils import datapath
from PySide6.QtCore import Qt

import embviz

EN = datapath("EN.1-10.cbow1_wind5_hs0_neg10_size300_smpl1e-05.txt")
IT = datapath("IT.1-10.cbow1_wind5_hs0_neg10_size300_smpl1e-05.txt")
PAIRS = datapath("OPUS_en_it_europarl_train_one2ten.txt")


@pytest.fixture(scope="module")
def gensim_translations():
    en = KeyedVectors.load_word2vec_format(EN)
    it = KeyedVectors.load_word2vec_format(IT)
    pairs = [tuple(line.split()) for line in open(PAIRS, encoding="utf-8") if line.strip()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = TranslationMatrix(en, it, word_pairs=pairs)
        model.train(pairs)
        found = model.translate([s for s, _ in pairs], topn=5)
    return pairs, found


def csls_best(en, it, pairs, word, k=10):
    """Conneau et al. 2018, eq. 6, with the least-squares map fitted on the unit rows."""
    unit = lambda x: x / np.linalg.norm(x, axis=1, keepdims=True)  # noqa: E731
    x = unit(np.array([en.vectors[en.index_of(s)] for s, _ in pairs], np.float64))
    y = unit(np.array([it.vectors[it.index_of(t)] for _, t in pairs], np.float64))
    w = np.linalg.lstsq(x, y, rcond=None)[0]
    mapped = unit(unit(en.vectors.astype(np.float64)) @ w)
    targets = unit(it.vectors.astype(np.float64))
    sims = mapped @ targets.T
    r_t = np.sort(sims, axis=1)[:, -k:].mean(axis=1)  # each mapped source: its k nearest targets
    r_s = np.sort(sims.T, axis=1)[:, -k:].mean(axis=1)  # each target: its k nearest mapped sources
    row = en.index_of(word)
    return it.labels[int(np.argmax(2 * sims[row] - r_t[row] - r_s))]


def test_translation_matches_gensim_and_csls_shows_its_effect(
    window, qtbot, gensim_translations, tmp_path
):
    pairs, expected = gensim_translations
    en, it = embviz.load(EN), embviz.load(IT)
    en.name, it.name = "EN", "IT"
    window.session.add_set(en)
    window.session.add_set(it)
    qtbot.waitUntil(window.is_idle, timeout=15000)
    panel = window.panels["compare"]
    panel.choose(en, it)
    panel.pairs_path.setText(PAIRS)
    panel.align_box.setCurrentText("linear")
    panel.run_button.click()
    qtbot.waitUntil(lambda: panel.comparison is not None and window.is_idle(), timeout=20000)
    # the maps are linked through the dictionary: selecting 'dog' in EN selects 'cane' in IT
    beside = window.map_area.beside[0]
    assert beside.state.eset is it
    window.session.views[0].select([en.index_of("dog")])
    assert beside.controller.view.selected_rows.tolist() == [it.index_of("cane")]
    tab = panel.translate_tab
    panel.tabs.setCurrentWidget(tab)
    for word in ("one", "dog", "apple"):
        tab.query.setText(word)
        qtbot.keyClick(tab.query, Qt.Key.Key_Return)
        qtbot.waitUntil(
            lambda w=word: tab.result is not None and tab.result["word"] == w, timeout=10000
        )
        shown = [tab.results.item(i, 1).text() for i in range(tab.results.rowCount())]
        assert shown == expected[word], word
        # the words found are marked on IT's map
        marked = window.session.views[1].overlays["compare-translation"].rows.tolist()
        assert marked == [it.index_of(w) for w in shown]
    # CSLS: the table now ranks by it; its best word is the formula's
    panel.csls.setChecked(True)
    assert tab.results.horizontalHeaderItem(2).text() == "CSLS"
    assert tab.results.item(0, 1).text() == csls_best(en, it, pairs, "apple")
    assert "cosine" in tab.effect.text()
    # accuracy on the dictionary (the training pairs here), as gensim's translations give it
    tab.test_path.setText(PAIRS)
    tab.accuracy_button.click()
    qtbot.waitUntil(lambda: "accuracy@1" in tab.accuracy.text(), timeout=10000)
    at1 = np.mean([expected[s][0] == t for s, t in pairs])
    at5 = np.mean([t in expected[s][:5] for s, t in pairs])
    assert f"cosine: accuracy@1 <b>{at1:.1%}</b>, @5 <b>{at5:.1%}</b>" in tab.accuracy.text()
    # a broken pairs file: the message names the file and the line; the comparison is kept
    bad = tmp_path / "pairs.txt"
    bad.write_text("one uno\ntwo due\nthree tre quattro\n", encoding="utf-8")
    comparison = panel.comparison
    panel.tabs.setCurrentIndex(0)
    panel.pairs_path.setText(str(bad))
    panel.run_button.click()
    qtbot.waitUntil(lambda: "kept" in panel.message.text(), timeout=10000)
    assert str(bad) in panel.message.text() and "line 3" in panel.message.text()
    assert panel.comparison is comparison and window.last_error is None
