"""CSV / TSV / Parquet tables of vectors, with typed metadata columns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import embviz
from embviz.core.errors import LoadError

VECTORS = np.array([[0.5, -1.25, 3], [2, 0, 1e-3], [7, 8, 9]], dtype=np.float32)


def test_csv_with_numeric_columns_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("word,pos,d0,d1,d2\nking,NOUN,0.5,-1.25,3\nrun,VERB,2,0,1e-3\nred,ADJ,7,8,9\n")
    eset = embviz.load(path)
    assert eset.source.format == "table"
    assert eset.labels == ["king", "run", "red"]
    assert np.array_equal(eset.vectors, VECTORS)
    assert eset.metadata["pos"].tolist() == ["NOUN", "VERB", "ADJ"]


def test_tsv_with_a_list_column(tmp_path: Path) -> None:
    path = tmp_path / "t.tsv"
    rows = ["[0.5, -1.25, 3]", "[2, 0, 1e-3]", "[7, 8, 9]"]
    body = "".join(f"w{i}\t{r}\t{i * 10}\n" for i, r in enumerate(rows))
    path.write_text("label\tembedding\tfreq\n" + body)
    eset = embviz.load(path)
    assert eset.labels == ["w0", "w1", "w2"] and np.array_equal(eset.vectors, VECTORS)
    assert eset.metadata["freq"].dtype == np.float64


def test_parquet_with_a_list_column(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow", reason="Parquet is an optional extra (pyarrow)")
    import pyarrow.parquet as pq

    path = tmp_path / "t.parquet"
    table = pa.table({"text": ["a", "b", "c"], "emb": VECTORS.tolist(), "topic": ["x", "y", "x"]})
    pq.write_table(table, path)
    eset = embviz.load(path)
    assert eset.source.format == "parquet"
    assert eset.labels == ["a", "b", "c"] and np.array_equal(eset.vectors, VECTORS)
    assert eset.metadata["topic"].tolist() == ["x", "y", "x"]


def test_table_bad_value_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("word,d0,d1\na,1,2\nb,3,x\n")
    with pytest.raises(LoadError) as info:
        embviz.load(path, format="table")
    assert str(path) in str(info.value) and "row 2" in str(info.value)


def test_table_ragged_row(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("word,d0,d1\na,1,2\nb,3\n")
    with pytest.raises(LoadError) as info:
        embviz.load(path)
    assert "row has 2 columns but the header has 3" in str(info.value) and info.value.row == 2


def test_table_header_only(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("word,d0,d1\n")
    with pytest.raises(LoadError, match="header but no rows"):
        embviz.load(path, format="table")
