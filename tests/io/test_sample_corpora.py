"""gensim's labelled test corpora as document tables; the Bunch unpickler runs no code."""

from __future__ import annotations

import pickle
import zlib
from collections import Counter

import pytest

from embviz.io.documents import read_document_table
from embviz.io.sample_corpora import read_bunch, sample_rows, write_sample_table


def test_pang_lee_labels():
    rows = sample_rows("pang-lee")
    assert Counter(r["label"] for r in rows) == {"neg": 100, "pos": 100}
    assert rows[0]["text"] == "simplistic , silly and tedious ."


def test_newsgroups_posts_split_into_columns():
    rows = sample_rows("newsgroups")
    assert Counter(r["group"] for r in rows) == {"alt.atheism": 100, "sci.space": 100}
    first = rows[0]
    assert first["subject"] == "Re: Biblical Rape" and first["date"] == "1993-04-06T12:44:38+00:00"
    assert "Rosenau" in first["author"] and not first["text"].startswith("Newsgroups:")


def test_lee_background_has_one_article_per_line():
    rows = sample_rows("lee")
    assert len(rows) == 300 and rows[0]["text"].startswith("Hundreds of people")


class _Sneaky:
    def __reduce__(self):
        import os

        return (os.getcwd, ())


def test_bunch_unpickler_refuses_other_classes(tmp_path):
    path = tmp_path / "evil"
    path.write_bytes(zlib.compress(pickle.dumps({"data": _Sneaky()}, protocol=2)))
    with pytest.raises(pickle.UnpicklingError, match="getcwd"):
        read_bunch(path)


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".jsonl", ".parquet"])
def test_written_tables_read_back(tmp_path, suffix):
    pytest.importorskip("pyarrow")
    path = write_sample_table("newsgroups", tmp_path / f"news{suffix}")
    table = read_document_table(path)
    rows = sample_rows("newsgroups")
    assert table.text_column == "text" and table.texts == [r["text"] for r in rows]
    assert table.kinds == {
        "text": "text",
        "subject": "text",
        "author": "text",
        "date": "date",
        "group": "category",
    }
