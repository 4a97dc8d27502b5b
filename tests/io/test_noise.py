"""Library noise becomes the set's warnings: gensim's per-word ERROR lines on a fastText model
whose vocabulary is not UTF-8 are said once, and stderr stays clean."""

from __future__ import annotations

import logging

import numpy as np
from gensim.models import FastText
from gensim.models.fasttext import load_facebook_vectors, save_facebook_model

import embviz

WORDS = {"café": b"caf\x82s", "naïve": b"na\x8bve!", "olá": b"ol\xa0z"}  # cp852 bytes, same length


def _cp852_model(tmp_path):
    texts = [[*WORDS, "plain", "words"]] * 20
    model = FastText(texts, vector_size=4, min_count=1, epochs=1, workers=1, seed=1, bucket=100)
    path = tmp_path / "model.bin"
    save_facebook_model(model, str(path))
    data = path.read_bytes()
    for word, raw in WORDS.items():
        assert data.count(word.encode()) == 1
        data = data.replace(word.encode(), raw)
    path.write_bytes(data)
    return path


def test_gensim_errors_become_one_warning_and_stderr_is_clean(tmp_path, capfd, caplog) -> None:
    path = _cp852_model(tmp_path)
    logging.basicConfig(level=logging.WARNING)  # as the CLI sets it up
    caplog.set_level(logging.DEBUG)
    capfd.readouterr()
    caplog.clear()  # only what the load logs (training the fixture logs INFO lines of its own)
    eset = embviz.load(path)
    out, err = capfd.readouterr()
    assert err == "" and out == ""
    assert [r for r in caplog.records if r.name.startswith("gensim")] == []
    (warning,) = eset.warnings
    assert f"{len(WORDS)} word(s)" in warning and "--encoding" in warning
    reference = load_facebook_vectors(str(path))  # gensim itself: the same vectors
    assert eset.labels == list(reference.index_to_key)
    assert np.array_equal(eset.vectors, reference.vectors)


def test_other_threads_still_log(tmp_path) -> None:
    import threading

    from embviz.io.noise import library_noise

    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    root = logging.getLogger()
    keep = Keep()
    root.addHandler(keep)
    notes: list[str] = []
    try:
        with library_noise(notes, "gensim"):
            logging.getLogger("gensim.x").warning("from this thread")
            thread = threading.Thread(target=lambda: logging.getLogger("gensim.y").warning("other"))
            thread.start()
            thread.join()
    finally:
        root.removeHandler(keep)
    assert seen == ["other"]
    assert notes == ["gensim reported while reading: from this thread"]


CONTENTS = {
    "o.txt": "a 1e40 2\nb 3 4\n",
    "o.csv": "word,d0,d1\na,1e40,2\nb,3,4\n",
    "o.tsv": "1e40\t2\n3\t4\n",
    "m.txt": "1.5e40 2.5\n3.5 4.5\n",
}


def test_values_beyond_float32_give_a_warning_not_a_runtime_warning(tmp_path) -> None:
    import warnings

    for name, text in CONTENTS.items():
        path = tmp_path / name
        path.write_text(text)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            eset = embviz.load(path)
        assert [str(w.message) for w in caught] == [], name
        assert np.isinf(eset.vectors[0, 0]), name
        assert any("1 row(s) hold NaN or infinite" in w for w in eset.warnings), name
