"""A local Dask cluster of 2 worker processes (one thread each), started once per session, and a
small real corpus (gensim's mini_newsgroup: 30 alt.atheism and 30 sci.space posts, each cut to
its first 300 characters so embedding stays quick). Skipped cleanly without dask."""

from __future__ import annotations

import csv

import pytest

from embviz.io.sample_corpora import sample_rows


def _rows() -> list[dict[str, str]]:
    posts = sample_rows("newsgroups")
    groups = sorted({p["group"] for p in posts})
    rows = []
    for i in range(30):  # interleaved, so every partition holds both groups
        for group in groups:
            post = [p for p in posts if p["group"] == group][i]
            rows.append({"text": " ".join(post["text"].split())[:300], "label": group})
    return rows


ROWS = _rows()
TEXTS = [r["text"] for r in ROWS]


def write_reviews(path):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, ["text", "label"])
        writer.writeheader()
        writer.writerows(ROWS)
    return path


@pytest.fixture(scope="session")
def dask_engine():
    pytest.importorskip("distributed")
    from embviz.cluster.engine import connect

    engine = connect("local:2")  # LocalCluster(n_workers=2, processes=True, threads_per_worker=1)
    assert engine.workers == 2
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def reviews_csv(tmp_path_factory):
    return write_reviews(tmp_path_factory.mktemp("corpus") / "reviews.csv")
