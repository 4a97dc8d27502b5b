"""A partitioned atlas folder opens lazily: coordinates, titles and small columns at once, the
vectors only when asked for (once); bad folders get a message naming the file and what to do.
Expected values come from pyarrow reading the parts directly."""

from __future__ import annotations

import json

import numpy as np
import pytest

import embviz
from embviz.cli import main
from embviz.core.corpus import CLUSTER_COLUMN, ROW_COLUMN
from embviz.core.errors import LoadError
from embviz.core.lazy_rows import LazyLabels
from embviz.io import atlas_dataset
from embviz.io.atlas_dataset import VECTOR_READS, document_texts

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from tests.io.partitioned_helpers import RECORD, synthetic_tables, write_parts  # noqa: E402


@pytest.fixture
def folder(tmp_path):
    return write_parts(tmp_path / "atlas", synthetic_tables(), RECORD)


def whole(folder):
    return pa.concat_tables([pq.read_table(p) for p in sorted(folder.glob("part-*.parquet"))])


def test_opens_coordinates_and_columns_without_reading_vectors(folder):
    table = whole(folder)
    eset = embviz.load(folder)
    assert len(eset) == 360 and eset.dims == 6
    assert not eset.vectors_loaded and VECTOR_READS[str(folder)] == 0
    assert isinstance(eset.labels, LazyLabels) and eset.labels.made < 50
    layout = eset.peek_derived(("atlas-layout",))
    np.testing.assert_array_equal(layout.coords[:, 0], table["x"].to_numpy())
    np.testing.assert_array_equal(layout.coords[:, 1], table["y"].to_numpy())
    assert layout.method == "umap" and layout.params == {"n_neighbors": 15}
    assert eset.metadata["source"].tolist() == table["source"].to_pylist()
    assert eset.metadata[CLUSTER_COLUMN].dtype == np.int64
    assert eset.metadata[ROW_COLUMN].tolist() == list(range(360))
    assert eset.corpus.text_column == "text" and eset.source.format == "atlas-partitioned"
    # titles as labels; a repeated one names its row
    assert eset.labels[5] == "document 5"
    assert eset.labels[7] == "the same title (row 7)" and eset.labels[200].endswith("(row 200)")
    assert eset.index_of("document 333") == 333 and "document 999" not in eset
    assert document_texts(eset, [3]) == ["the full text of document 3, about topic 0"]
    assert VECTOR_READS[str(folder)] == 0
    # the vectors, when asked for: every part's, in row order, read once
    expected = np.array(table["vector"].to_pylist(), dtype=np.float32)
    np.testing.assert_array_equal(eset.vectors, expected)
    np.testing.assert_array_equal(eset.vectors, expected)
    assert VECTOR_READS[str(folder)] == 1 and eset.vectors_loaded


def test_the_record_file_opens_the_folder(folder):
    eset = embviz.load(folder / "_embviz.json")
    assert len(eset) == 360 and eset.source.path == str(folder)


def test_big_sets_keep_text_on_disk_and_categories_as_codes(folder, monkeypatch):
    monkeypatch.setattr(atlas_dataset, "SMALL_ROWS", 100)
    table = whole(folder)
    eset = embviz.load(folder)
    assert "text" not in eset.metadata and "title" not in eset.metadata  # many distinct texts
    assert eset.metadata["source"].tolist() == table["source"].to_pylist()  # a category
    assert eset.metadata["cluster_label"].tolist() == table["cluster_label"].to_pylist()
    assert any("'text'" in w and "stay on disk" in w for w in eset.warnings)
    # the text of a document is read from its row group
    assert document_texts(eset, [301, 4]) == [table["text"][301].as_py(), table["text"][4].as_py()]
    # no pass over every title when it opens: each label names its row, read from its row group
    assert eset.labels[301] == "document 301 (row 301)" and eset.labels[7].endswith("(row 7)")
    assert eset.index_of("document 42 (row 42)") == 42 and "document 42" not in eset
    assert VECTOR_READS[str(folder)] == 0


def _error(path):
    with pytest.raises(LoadError) as caught:
        embviz.load(path)
    return str(caught.value)


def test_a_missing_part_is_named(folder):
    (folder / "part-00001.parquet").unlink()
    said = _error(folder)
    assert "part-00001.parquet" in said and "missing" in said and "Copy the whole folder" in said


def test_a_part_with_other_columns_is_named(folder):
    tables = synthetic_tables()
    odd = tables[2].drop_columns(["source"]).append_column("author", pa.array(["a"] * 150))
    pq.write_table(odd, folder / "part-00002.parquet")
    said = _error(folder)
    assert "part-00002.parquet" in said and "other columns than part-00000.parquet" in said
    assert "lacks 'source'" in said and "'author'" in said and "Write the atlas again" in said


def test_a_record_that_does_not_match_the_parts(folder):
    record = json.loads((folder / "_embviz.json").read_text())
    record["partitions"][0]["rows"] = 100
    (folder / "_embviz.json").write_text(json.dumps(record))
    said = _error(folder)
    assert "part-00000.parquet" in said and "120 rows" in said and "says 100" in said


def test_parts_without_a_record_and_a_broken_record(folder):
    (folder / "_embviz.json").write_text("{not json")
    assert "_embviz.json" in _error(folder) and "JSON" in _error(folder)
    (folder / "_embviz.json").unlink()
    said = _error(folder)
    assert "3 atlas parts but no _embviz.json" in said and "did not finish" in said


def test_a_vector_of_the_wrong_length_names_its_part_and_row(folder):
    tables = synthetic_tables()
    vectors = tables[1]["vector"].to_pylist()
    vectors[10] = vectors[10][:4]
    bad = tables[1].set_column(3, "vector", pa.array(vectors, pa.list_(pa.float32())))
    pq.write_table(bad, folder / "part-00001.parquet")
    eset = embviz.load(folder)  # opening needs no vectors
    with pytest.raises(LoadError) as caught:
        eset.vectors  # noqa: B018
    said = str(caught.value)
    assert "part-00001.parquet, row 10" in said and "has 4 values" in said and "have 6" in said
    assert not eset.vectors_loaded


def test_the_cli_says_what_is_wrong_with_exit_code_2(folder, capsys):
    (folder / "part-00002.parquet").unlink()
    assert main(["info", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "part-00002.parquet" in err and "Traceback" not in err


def test_opens_what_the_cluster_writer_writes(tmp_path):
    """Parts written by the cluster run's own writer (embviz.cluster.work.write_part, no Dask
    needed for it) and the contract's record open lazily, rows in the record's order."""
    from embviz.cluster.work import write_part
    from embviz.io.atlas_partitions import PARTITIONED, part_name, write_record

    rng = np.random.default_rng(3)
    record = {"kind": "atlas", "version": 1, "embedder": "column:vector", "text_column": "text"}
    entries, tables = [], []
    for i, size in enumerate((40, 25, 35)):
        inputs = pa.table({"text": [f"post {i}-{r} about things" for r in range(size)]})
        vectors = rng.normal(size=(size, 5)).astype(np.float32)
        coords = rng.normal(size=(size, 2))
        topics = {"cluster": np.arange(size) % 2, "cluster_label": np.array(["a", "b"] * 20)[:size]}
        write_part(str(tmp_path / part_name(i)), inputs, vectors, coords, topics, record)
        entries.append({"file": part_name(i), "rows": size})
        tables.append(pq.read_table(tmp_path / part_name(i)))
    write_record(
        tmp_path, {**record, "layout": PARTITIONED, "rows": 100, "dims": 5, "partitions": entries}
    )
    eset = embviz.load(tmp_path)
    table = pa.concat_tables(tables)
    assert len(eset) == 100 and not eset.vectors_loaded
    assert eset.labels[41] == "post 1-1 about things"  # the text's first words, as one file
    layout = eset.peek_derived(("atlas-layout",))
    np.testing.assert_array_equal(layout.coords[:, 1], table["y"].to_numpy())
    assert eset.metadata["cluster_label"].tolist() == table["cluster_label"].to_pylist()
    np.testing.assert_array_equal(eset.vectors, np.array(table["vector"].to_pylist(), np.float32))
