"""Document tables: CSV, TSV, JSON Lines and Parquet as real tools write them, typed columns,
titles, the corpus set contract, and clear errors for bad input."""

from __future__ import annotations

import csv
import json
from datetime import datetime

import numpy as np
import pytest

from embviz.core.corpus import ROW_COLUMN, CorpusInfo
from embviz.core.errors import LoadError
from embviz.io.corpus_set import corpus_set
from embviz.io.documents import read_document_table

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

ROWS = [
    {
        "id": 1,
        "body": "The cat sat on the mat, and then it slept for a very long time in the sun.",
        "source": "pets",
        "score": 0.5,
        "when": "2020-01-02",
    },
    {
        "id": 2,
        "body": 'Stocks fell sharply today,\nas markets reacted to "news".',
        "source": "finance",
        "score": None,
        "when": "2021-03-04T10:30:00Z",
    },
    {"id": 3, "body": "The cat sat", "source": "pets", "score": 2.0, "when": ""},
    {"id": 4, "body": "The cat sat", "source": "pets", "score": -1.0, "when": "2022-12-31"},
]
DATES = [
    np.datetime64("2020-01-02T00:00", "ms"),
    np.datetime64("2021-03-04T10:30", "ms"),
    np.datetime64("NaT", "ms"),
    np.datetime64("2022-12-31T00:00", "ms"),
]


def write_csv(path, rows, delimiter=","):
    with open(path, "w", newline="", encoding="utf-8") as f:  # as Python's csv module writes
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})


def check_typed(table):
    assert table.text_column == "body"  # the longest mean length
    assert dict(table.column_choices()) == {
        "id": "number",
        "body": "text",
        "source": "category",
        "score": "number",
        "when": "date",
    }
    assert table.texts == [r["body"] for r in ROWS]
    np.testing.assert_array_equal(table.columns["id"], [1.0, 2.0, 3.0, 4.0])
    assert table.columns["score"].dtype == np.float64
    np.testing.assert_array_equal(table.columns["score"], [0.5, np.nan, 2.0, -1.0])
    assert table.columns["when"].dtype.kind == "M"
    np.testing.assert_array_equal(table.columns["when"], np.array(DATES))
    assert table.columns["source"].dtype == object


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_delimited(tmp_path, delimiter):
    path = tmp_path / ("docs.tsv" if delimiter == "\t" else "docs.csv")
    write_csv(path, ROWS, delimiter)
    check_typed(read_document_table(path))


def test_json_lines(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    check_typed(read_document_table(path))


def test_json_lines_with_mixed_types_is_read_as_text(tmp_path):
    path = tmp_path / "mixed.jsonl"
    rows = [{"text": "first document here", "tag": 1}, {"text": "second one", "tag": "b"}]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    table = read_document_table(path)
    assert table.columns["tag"].tolist() == ["1", "b"]


def test_parquet_with_native_types_and_a_vector_column(tmp_path):
    path = tmp_path / "docs.parquet"
    when = [datetime(2020, 1, 2), datetime(2021, 3, 4, 10, 30), None, datetime(2022, 12, 31)]
    vectors = np.arange(12, dtype=np.float32).reshape(4, 3)
    table = pa.table(
        {
            "id": pa.array([1, 2, 3, 4], pa.int64()),
            "body": [r["body"] for r in ROWS],
            "source": [r["source"] for r in ROWS],
            "score": pa.array([0.5, None, 2.0, -1.0], pa.float64()),
            "when": pa.array(when, pa.timestamp("us")),
            "embedding": pa.array(list(vectors), pa.list_(pa.float32())),
        }
    )
    pq.write_table(table, path)
    docs = read_document_table(path)
    assert docs.kinds["embedding"] == "vector"
    assert docs.vector_column == "embedding"
    np.testing.assert_array_equal(docs.vectors, vectors)
    assert "embedding" not in docs.columns
    del docs.kinds["embedding"]
    check_typed(docs)
    eset = corpus_set(docs)  # bring your own vectors: used as they are
    np.testing.assert_array_equal(eset.vectors, vectors)
    assert eset.model is None and eset.corpus.embedder == "column:embedding"


def test_vectors_written_as_text(tmp_path):
    path = tmp_path / "own.csv"
    rows = [{"text": f"document number {i}", "vector": json.dumps([i, i + 0.5])} for i in range(3)]
    write_csv(path, rows)
    docs = read_document_table(path)
    np.testing.assert_array_equal(docs.vectors, [[0, 0.5], [1, 1.5], [2, 2.5]])
    assert [c for c, _ in docs.column_choices()] == ["text", "vector"]


def test_common_date_formats(tmp_path):
    path = tmp_path / "dates.csv"
    rows = [
        {"text": "a long enough document text", "d": "25/12/2020", "us": "Mar 4, 2021"},
        {"text": "another document with words", "d": "01/02/2021", "us": "Dec 31, 1999"},
    ]
    write_csv(path, rows)
    docs = read_document_table(path)
    assert docs.columns["d"].tolist() == [datetime(2020, 12, 25), datetime(2021, 2, 1)]
    assert docs.columns["us"].tolist() == [datetime(2021, 3, 4), datetime(1999, 12, 31)]


def test_titles_first_words_and_unique(tmp_path):
    path = tmp_path / "docs.csv"
    write_csv(path, ROWS)
    docs = read_document_table(path)
    assert docs.titles == [
        "The cat sat on the mat, and then…",  # 8 words, then an ellipsis
        "Stocks fell sharply today, as markets reacted to…",
        "The cat sat",
        "The cat sat (row 3)",  # a repeated title gets its input row
    ]
    by_source = docs.choose(title_column="source")
    assert by_source.titles == ["pets", "finance", "pets (row 2)", "pets (row 3)"]
    assert by_source.text_column == "body" and by_source.title_column == "source"


def test_text_column_given_and_corpus_set_contract(tmp_path):
    path = tmp_path / "docs.csv"
    write_csv(path, ROWS)
    docs = read_document_table(path, text_column="source", title_column="body")
    assert docs.kinds["source"] == "text"
    vectors = np.random.default_rng(0).normal(size=(4, 5))
    eset = corpus_set(docs, vectors, embedder="test", settings={"a": 1})
    assert eset.labels == docs.titles and len(set(eset.labels)) == 4
    assert set(eset.metadata) == {"id", "body", "source", "score", "when", ROW_COLUMN}
    assert eset.metadata[ROW_COLUMN].dtype == np.int64
    np.testing.assert_array_equal(eset.metadata[ROW_COLUMN], np.arange(4))
    assert eset.metadata["body"].tolist() == [r["body"] for r in ROWS]
    assert eset.corpus == CorpusInfo("source", "body", "test", {"a": 1})
    assert eset.vectors.dtype == np.float32


def test_an_input_column_named_row_is_kept(tmp_path):
    path = tmp_path / "docs.csv"
    write_csv(path, [{"row": "x", "text": "some words here"}, {"row": "y", "text": "more"}])
    eset = corpus_set(read_document_table(path), np.zeros((2, 2)))
    assert eset.metadata["row_input"].tolist() == ["x", "y"]
    assert eset.metadata[ROW_COLUMN].tolist() == [0, 1]
    assert any("'row_input'" in w for w in eset.warnings)


def test_bad_row_is_named(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("text,label\nfirst doc,a\nsecond doc,b,extra\n", encoding="utf-8")
    with pytest.raises(LoadError) as info:
        read_document_table(path)
    assert info.value.row == 2 and "bad.csv" in str(info.value) and "3 columns" in str(info.value)


def test_bad_json_line_is_named(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "a document"}\n{"text": "broken\n', encoding="utf-8")
    with pytest.raises(LoadError) as info:
        read_document_table(path)
    assert info.value.line == 2 and "JSON" in str(info.value)


def test_wrong_choices_are_refused(tmp_path):
    path = tmp_path / "docs.csv"
    write_csv(path, ROWS)
    with pytest.raises(LoadError, match="no column 'nope'"):
        read_document_table(path, text_column="nope")
    with pytest.raises(LoadError, match="number values"):
        read_document_table(path, text_column="score")
    numbers = tmp_path / "numbers.csv"
    numbers.write_text("a,b\n1,2\n3,4\n", encoding="utf-8")
    with pytest.raises(LoadError, match="no column holds text"):
        read_document_table(numbers)
    empty = tmp_path / "empty.csv"
    empty.write_text("text,label\n", encoding="utf-8")
    with pytest.raises(LoadError, match="no rows"):
        read_document_table(empty)


def test_windows_1252_text(tmp_path):
    """A spreadsheet's CSV export in Windows-1252: read with its encoding, or with invalid
    bytes replaced and a warning that names the line."""
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "text,label\nCaf\xe9 cr\xe8me \x96 tr\xe8s bon,a\nplain words,b\n".encode("latin-1")
    )
    docs = read_document_table(path, encoding="cp1252")
    assert docs.texts[0] == "Café crème – très bon"
    replaced = read_document_table(path)
    assert replaced.texts[0].startswith("Caf\ufffd") and "line 2" in replaced.warnings[0]
