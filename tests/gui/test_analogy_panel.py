"""The analogy dock on the real window: workbench, parallelogram, benchmark, failed question."""

from __future__ import annotations

from gensim.models import KeyedVectors
from PySide6.QtCore import Qt


def _kv(eset):
    kv = KeyedVectors(eset.dims)
    kv.add_vectors(eset.labels, eset.vectors)
    return kv


def _solve(qtbot, bench, a, b, c, expected=""):
    bench.results = {}
    for name, value in zip(("a", "b", "c", "expected"), (a, b, c, expected), strict=True):
        bench.words[name].setText(value)
    qtbot.keyClick(bench.words["c"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(bench.results), timeout=10000)


def test_workbench(demo_window, qtbot):
    win = demo_window
    win.docks["analogy"].raise_()
    bench = win.panels["analogy"].workbench
    _solve(qtbot, bench, "man", "king", "woman", "queen")
    kv = _kv(win.session.current)
    for method, reference in (("3cosadd", kv.most_similar), ("3cosmul", kv.most_similar_cosmul)):
        expected = reference(positive=["king", "woman"], negative=["man"], topn=10)
        widget = bench.tables[method]
        assert [widget.item(i, 1).text() for i in range(10)] == [w for w, _ in expected]
        assert widget.item(0, 2).text() == f"{expected[0][1]:.4f}"
    assert "rank 1" in bench.ranks["3cosadd"].text()
    eset = win.session.current
    man, king, woman, queen = (eset.index_of(w) for w in ("man", "king", "woman", "queen"))
    overlay = win.session.overlays["analogy"]
    assert set(overlay.edges) == {(man, king), (man, woman), (king, queen), (woman, queen)}
    assert "queen" in bench.message.text() and "excluded" in bench.message.text()

    bench.exclude.setChecked(False)
    _solve(qtbot, bench, "man", "doctor", "woman")
    assert bench.tables["3cosadd"].item(0, 1).text() == "doctor"
    assert "ALLOWED" in bench.message.text()
    bench.exclude.setChecked(True)


def test_benchmark_runs_and_a_failure_opens_in_the_workbench(demo_window, qtbot, tmp_path):
    from gensim.test.utils import datapath

    subset = tmp_path / "questions.txt"
    lines, count = [], 0
    for line in open(datapath("questions-words.txt"), encoding="utf-8"):
        count = 0 if line.startswith(": ") else count + 1
        if count <= 10:
            lines.append(line)
    subset.write_text("".join(lines), encoding="utf-8")
    win = demo_window
    win.docks["analogy"].raise_()
    panel = win.panels["analogy"]
    panel.setCurrentWidget(panel.benchmark)
    bm = panel.benchmark
    bm.analogy_file.setText(str(subset))
    qtbot.mouseClick(bm.run_analogies, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bm.report is not None, timeout=30000)
    score, sections = _kv(win.session.current).evaluate_word_analogies(str(subset))
    assert f"Accuracy {score:.2%}" in bm.summary.text()
    assert bm.sections.rowCount() == len(sections) - 1
    row = next(i for i, s in enumerate(bm.report.sections) if s.failures())
    bm.sections.selectRow(row)
    assert bm.failed.rowCount() == len(sections[row]["incorrect"])
    rect = bm.failed.visualItemRect(bm.failed.item(0, 0))
    workbench = panel.workbench
    workbench.results = {}
    qtbot.mouseClick(bm.failed.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: bool(workbench.results), timeout=10000)
    assert panel.currentWidget() is workbench
    question = bm.failures[0]
    assert workbench.words["expected"].text() == win.session.current.labels[question.rows[3]]
    assert "rank" in workbench.ranks["3cosadd"].text()
    win.grab().save(str(tmp_path / "failed-question.png"))

    panel.setCurrentWidget(bm)
    qtbot.mouseClick(bm.run_similarity, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Spearman" in bm.summary.text(), timeout=10000)
    _, spearman, _ = _kv(demo_window.session.current).evaluate_word_pairs(
        datapath("wordsim353.tsv")
    )
    assert f"Spearman {spearman[0]:.4f}" in bm.summary.text()
