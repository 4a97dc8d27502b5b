"""The documents cache stays under its size limit: least recently used corpora go first, a hit
counts as a use, and neither the corpus just written nor a recent unfinished run is removed."""

import os
import time

import numpy as np

from embviz.core import corpus_cache
from embviz.core.corpus_cache import CorpusCache, cached_vectors, limit_bytes, prune


def _corpus(root, name, size, age_s, finished=True):
    folder = root / name
    folder.mkdir(parents=True)
    path = folder / (corpus_cache.VECTORS_FILE if finished else "chunk-0000000000-0000000002.npy")
    path.write_bytes(b"x" * size)
    when = time.time() - age_s
    os.utime(path, (when, when))
    os.utime(folder, (when, when))
    return folder


def test_least_recently_used_go_until_the_rest_fit(tmp_path):
    old = _corpus(tmp_path, "old", 400, age_s=300)
    middle = _corpus(tmp_path, "middle", 400, age_s=200)
    new = _corpus(tmp_path, "new", 400, age_s=100)
    # 1,200 bytes against a limit of 900: removing the oldest (400) leaves 800, which fits
    assert prune(tmp_path, 900) == [old]
    assert not old.exists() and middle.exists() and new.exists()
    # a limit of 0 empties it, the kept folder excepted, even though it alone is over
    assert prune(tmp_path, 0, keep=new) == [middle]
    assert new.exists()


def test_an_unfinished_recent_run_is_kept_an_old_one_is_not(tmp_path):
    resumable = _corpus(tmp_path, "resumable", 500, age_s=60, finished=False)
    abandoned = _corpus(tmp_path, "abandoned", 500, age_s=3 * 24 * 3600, finished=False)
    assert prune(tmp_path, 0) == [abandoned]
    assert resumable.exists()


def _encode(first, texts):
    yield from ()
    return np.arange(first, first + len(texts), dtype=np.float32)[:, None].repeat(3, axis=1)


def _run(task):
    while True:
        try:
            next(task)
        except StopIteration as stop:
            return stop.value


def test_a_hit_is_a_use_and_finishing_prunes_others(tmp_path, monkeypatch):
    first = CorpusCache({"model": "m"}, ["a", "b"], root=tmp_path)
    second = CorpusCache({"model": "m"}, ["c", "d"], root=tmp_path)
    _run(cached_vectors(first, ["a", "b"], _encode))
    _run(cached_vectors(second, ["c", "d"], _encode))
    for folder in (first.folder, second.folder):  # both written long ago, the first earlier
        when = time.time() - (3000 if folder == first.folder else 2000)
        for item in folder.iterdir():
            os.utime(item, (when, when))
    _run(cached_vectors(first, ["a", "b"], _encode))  # a hit: the first is now the newest
    one_corpus = sum(item.stat().st_size for item in first.folder.iterdir())
    # room for two corpora: a third, when finished, drops the least recently used (the second)
    monkeypatch.setenv("EMBVIZ_DOCUMENT_CACHE_GB", str(2.5 * one_corpus / 2**30))
    third = CorpusCache({"model": "m"}, ["e", "f"], root=tmp_path)
    vectors = _run(cached_vectors(third, ["e", "f"], _encode))
    assert np.array_equal(vectors[:, 0], [0, 1])
    assert first.folder.exists() and third.folder.exists()
    assert not second.folder.exists()


def test_the_limit_setting(monkeypatch):
    monkeypatch.delenv("EMBVIZ_DOCUMENT_CACHE_GB", raising=False)
    assert limit_bytes() == 5 * 2**30
    monkeypatch.setenv("EMBVIZ_DOCUMENT_CACHE_GB", "0.5")
    assert limit_bytes() == 2**29
    monkeypatch.setenv("EMBVIZ_DOCUMENT_CACHE_GB", "lots")  # malformed: the default, no crash
    assert limit_bytes() == 5 * 2**30
