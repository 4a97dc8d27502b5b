"""Exporting documents: the chosen rows with their columns, map position and vector, read back
with pyarrow and the csv module; nothing is overwritten without force."""

from __future__ import annotations

import csv

import numpy as np
import pyarrow.parquet as pq
import pytest

from embviz.core.corpus import CLUSTER_COLUMN, CLUSTER_LABEL_COLUMN, ROW_COLUMN
from embviz.core.dataset import EmbeddingSet
from embviz.core.tasks import run_task
from embviz.io.document_export import export_documents_task
from embviz.io.safe_write import WriteError


def _corpus() -> tuple[EmbeddingSet, np.ndarray]:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(5, 3)).astype(np.float32)
    metadata = {
        "text": np.array(["one, two", "three\nfour", "five", "six", "seven"], dtype=object),
        "stars": np.array([1.0, np.nan, 3.0, 4.0, 5.0]),
        "when": np.array(
            ["2020-01-01", "NaT", "2020-03-01", "2020-04-01", "2020-05-01"], dtype="datetime64[D]"
        ),
        ROW_COLUMN: np.arange(5, dtype=np.int64),
        CLUSTER_COLUMN: np.array([0, 0, -1, 1, 1], dtype=np.int64),
        CLUSTER_LABEL_COLUMN: np.array(
            ["cats", "cats", "Unclustered", "dogs", "dogs"], dtype=object
        ),
    }
    coords = rng.normal(size=(5, 2)).astype(np.float32)
    return EmbeddingSet([f"t{i}" for i in range(5)], vectors, metadata), coords


def test_parquet_holds_the_rows_vectors_positions_and_clusters(tmp_path):
    eset, coords = _corpus()
    path = tmp_path / "out.parquet"
    run_task(export_documents_task(eset, path, np.array([3, 1]), coords))
    table = pq.read_table(path).to_pydict()
    assert table["label"] == ["t3", "t1"]
    assert table[ROW_COLUMN] == [3, 1] and table[CLUSTER_LABEL_COLUMN] == ["dogs", "cats"]
    assert table["stars"] == [4.0, None] and table["when"][1] is None
    assert str(table["when"][0]) == "2020-04-01"
    np.testing.assert_array_equal(np.array(table["vector"], np.float32), eset.vectors[[3, 1]])
    np.testing.assert_allclose(np.c_[table["x"], table["y"]], coords[[3, 1]], rtol=1e-6)
    with pytest.raises(WriteError):
        run_task(export_documents_task(eset, path))  # exists: not without force


def test_csv_reads_back_with_the_csv_module(tmp_path):
    eset, coords = _corpus()
    path = tmp_path / "out.csv"
    run_task(export_documents_task(eset, path, None, None))
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["label", "text", "stars"] and header[-3:] == ["d0", "d1", "d2"]
    assert len(body) == 5 and body[1][1] == "three\nfour" and body[1][2] == ""
    assert body[0][header.index("x")] == ""  # no map given: no position
    got = np.array([[float(v) for v in r[-3:]] for r in body], dtype=np.float32)
    np.testing.assert_array_equal(got, eset.vectors)


def test_a_corpus_exported_to_parquet_opens_again_as_an_atlas(tmp_path):
    from embviz.core.corpus import CorpusInfo
    from embviz.core.model import SHOWN
    from embviz.io.atlas_parquet import AtlasFormat, read_record

    eset, coords = _corpus()
    eset.corpus = CorpusInfo("text", None, "sentence:all-MiniLM-L6-v2", {"model": "default"})
    path = tmp_path / "atlas.parquet"
    rows = np.array([4, 0, 3])
    run_task(
        export_documents_task(eset, path, rows, coords, layout={"method": "umap", "params": {}})
    )
    record = read_record(path)
    assert record["kind"] == "atlas" and record["embedder_name"] == "sentence"
    assert record["rows"] == 3 and record["projection"]["method"] == "umap"
    back = run_task(AtlasFormat().read(path))
    np.testing.assert_array_equal(back.vectors, eset.vectors[rows])
    assert back.corpus.text_column == "text" and back.model is not None
    assert back.metadata["text"].tolist() == ["seven", "one, two", "six"]
    assert back.metadata[CLUSTER_LABEL_COLUMN].tolist() == ["dogs", "cats", "dogs"]
    np.testing.assert_allclose(back.peek_derived(SHOWN).coords, coords[rows], rtol=1e-6)
    # the input row of each document is kept (under a name that does not clash with the new rows)
    assert back.metadata["row_input"].tolist() == [4, 0, 3]
