"""`embviz atlas --cluster`: the same plan in this process, on 2 Dask workers and on 1 gives the
same vectors (equal to sentence-transformers' encode) and the same clusters; the output is the
partitioned atlas of embviz.io.atlas_partitions; with a sample as large as the table it equals
the single-file `embviz atlas`."""

from __future__ import annotations

import json

import numpy as np
import pytest

from embviz.cli import main
from embviz.cluster.engine import InProcess
from embviz.cluster.placement import PLACE_K
from embviz.cluster.plan import ClusterOptions, run_plan
from tests.cluster.conftest import ROWS, TEXTS
from tests.cluster.partitioned import coords_of, read_parts, vectors_of

pytest.importorskip("pyarrow")

PARTITION_ROWS = 25  # 60 rows: parts of 25, 25 and 10
SAMPLE_ROWS = 40  # 20 rows placed on the sample's map


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("EMBVIZ_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


def plan(table, out, **extra):
    return ClusterOptions(
        table=str(table),
        output=str(out),
        text="text",
        partition_rows=PARTITION_ROWS,
        sample_rows=SAMPLE_ROWS,
        min_cluster_size=8,  # of 60 rows (5 on the 40 sampled): a few clusters to compare
        **extra,
    )


@pytest.fixture(scope="module")
def st_vectors():
    """sentence-transformers' own vectors of the corpus (the independent reference)."""
    from tests.models.st_reference import reference_model

    encoded = reference_model().encode(TEXTS, normalize_embeddings=True)
    return np.asarray(encoded, dtype=np.float32)


@pytest.fixture(scope="module")
def runs(reviews_csv, dask_engine, tmp_path_factory):
    """The same plan on three engines: in process, 2 Dask workers, 1 Dask worker."""
    folder = tmp_path_factory.mktemp("runs")
    one = dask_engine.restricted([next(iter(dask_engine.client.scheduler_info()["workers"]))])
    results = {}
    for name, engine in (("inprocess", InProcess()), ("dask2", dask_engine), ("dask1", one)):
        summary = run_plan(plan(reviews_csv, folder / name), engine)
        results[name] = (summary, *read_parts(folder / name))
    return results


def test_output_is_the_partitioned_atlas(runs):
    import pyarrow.dataset as ds

    summary, record, table = runs["dask2"]
    out = summary["output"]
    assert record["layout"] == "partitioned" and record["kind"] == "atlas"
    assert record["rows"] == len(ROWS) == table.num_rows
    assert [p["rows"] for p in record["partitions"]] == [25, 25, 10]
    assert record["dims"] == 384 and record["embedder"] == "sentence:all-MiniLM-L6-v2"
    assert table["text"].to_pylist() == TEXTS  # input order kept across parts
    assert table["label"].to_pylist() == [r["label"] for r in ROWS]
    for name in ("vector", "x", "y", "cluster", "cluster_label"):
        assert name in table.column_names
    import pyarrow as pa

    vector_type = table.schema.field("vector").type
    assert pa.types.is_list(vector_type) and pa.types.is_float32(vector_type.value_type)
    assert ds.dataset(out, format="parquet").count_rows() == 60  # _embviz.json is skipped
    # each part alone is a (smaller) atlas with the record in its schema metadata
    from embviz.io.atlas_parquet import read_record

    part = read_record(f"{out}/part-00002.parquet")
    assert part is not None and part["rows"] == 10 and part["part"]["first_row"] == 50
    assert summary["workers"] == 2 and runs["dask1"][0]["workers"] == 1
    assert summary["clusters"] >= 2  # so comparing clusters below says something


def test_same_vectors_and_clusters_on_every_engine(runs):
    _, _, reference = runs["inprocess"]
    for name in ("dask2", "dask1"):
        _, _, table = runs[name]
        np.testing.assert_allclose(vectors_of(table), vectors_of(reference), atol=1e-5)
        np.testing.assert_allclose(coords_of(table), coords_of(reference), atol=1e-4)
        for column in ("cluster", "cluster_fine", "cluster_label"):
            assert table[column].to_pylist() == reference[column].to_pylist(), (name, column)


def test_vectors_equal_sentence_transformers(runs, st_vectors):
    np.testing.assert_allclose(vectors_of(runs["dask2"][2]), st_vectors, atol=1e-5)


def test_sampled_rows_keep_the_fit_and_others_are_placed_near_their_neighbours(runs):
    from embviz.cluster.plan import sample_of

    _, _, table = runs["dask2"]
    coords, vectors = coords_of(table), vectors_of(table)
    sample = sample_of(60, SAMPLE_ROWS, 0)
    others = np.setdiff1d(np.arange(60), sample)
    assert len(others) == 20 and np.isfinite(coords).all()
    # by hand: each placed row is inside the box of its PLACE_K nearest sampled rows (cosine)
    sims = vectors[others] @ vectors[sample].T
    near = np.argsort(-sims, axis=1)[:, :PLACE_K]
    box = coords[sample][near]
    assert (coords[others] >= box.min(axis=1) - 1e-5).all()
    assert (coords[others] <= box.max(axis=1) + 1e-5).all()
    # and takes the cluster of its nearest sampled row on the map
    labels = table["cluster"].to_numpy()
    d = np.linalg.norm(coords[others][:, None] - coords[sample][None], axis=2)
    assert (labels[others] == labels[sample][d.argmin(axis=1)]).all()


def test_clusters_on_vectors_come_from_the_nearest_sampled_row_by_cosine(reviews_csv, tmp_path):
    from embviz.cluster.plan import sample_of

    summary = run_plan(plan(reviews_csv, tmp_path / "v", clusters_on="vectors"), InProcess())
    record, table = read_parts(tmp_path / "v")
    assert record["topics"]["space"] == "vectors" and summary["clusters"] >= 2
    vectors, labels = vectors_of(table), table["cluster"].to_numpy()
    sample = sample_of(60, SAMPLE_ROWS, 0)
    others = np.setdiff1d(np.arange(60), sample)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    nearest = sample[np.argmax(unit[others] @ unit[sample].T, axis=1)]  # by hand
    assert (labels[others] == labels[nearest]).all()


def test_whole_sample_equals_the_single_file_atlas(tmp_path, st_vectors):
    """With every row in the sample and the same vectors (the table's own vector column, from
    sentence-transformers), the map and the topics are the single-file atlas's. (With vectors
    embedded in other batches they differ by ~1e-7, and UMAP's layout is not continuous in
    such differences: see docs/scale.md.)"""
    import pyarrow as pa
    import pyarrow.parquet as pq

    vectors = st_vectors
    table = tmp_path / "reviews.parquet"
    pq.write_table(
        pa.table(
            {
                "text": TEXTS,
                "label": [r["label"] for r in ROWS],
                "embedding": pa.FixedSizeListArray.from_arrays(pa.array(vectors.ravel()), 384),
            }
        ),
        table,
    )
    common = ["atlas", str(table), "--text", "text", "--embedder", "column"]
    common += ["--min-cluster-size", "8"]
    single = tmp_path / "single.parquet"
    assert main([*common, "-o", str(single)]) == 0
    out = tmp_path / "parts"
    code = main(
        [*common, "--cluster", "inprocess", "--partition-rows", "25", "--sample-rows", "1000",
         "-o", str(out), "--json"]
    )  # fmt: skip
    assert code == 0
    expected = pq.read_table(single)
    _, got = read_parts(out)
    np.testing.assert_array_equal(vectors_of(got), vectors)
    np.testing.assert_allclose(coords_of(got), coords_of(expected), atol=1e-5)
    assert len(set(expected["cluster"].to_pylist()) - {-1}) >= 2
    for column in ("cluster", "cluster_label", "cluster_fine", "cluster_fine_label"):
        assert got[column].to_pylist() == expected[column].to_pylist(), column


def test_worker_failure_names_the_partition(dask_engine, tmp_path):
    from embviz.cluster import work
    from embviz.cluster.engine import TaskFailed

    missing = str(tmp_path / "no-such-model")
    spec = {"embedder": "sentence", "params": {"model": missing}}
    bad = dask_engine.submit(
        work.embed_partition, spec, ["a text"], None, name="partition 7 (rows 700-799)"
    )
    with pytest.raises(TaskFailed, match=r"^partition 7 \(rows 700-799\) failed: ") as caught:
        dask_engine.gather([bad])
    assert "no-such-model" in str(caught.value)


def test_unreachable_scheduler_fails_fast(reviews_csv, tmp_path, capsys):
    import socket
    import time

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.perf_counter()
    code = main(
        [
            "atlas",
            str(reviews_csv),
            "--cluster",
            f"tcp://127.0.0.1:{port}",
            "-o",
            str(tmp_path / "o"),
        ]
    )
    assert code == 2 and time.perf_counter() - started < 5
    err = capsys.readouterr().err
    assert f"cannot reach a Dask scheduler at 127.0.0.1:{port}" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--cluster", "local:x"], "local:N needs a worker count"),
        (["--cluster", "yarn://x"], "say local:N"),
        (["--cluster", "inprocess", "--embedder", "lsa"], "lsa, doc2vec and tfidf-average"),
    ],
)
def test_bad_requests_exit_2(reviews_csv, tmp_path, capsys, flags, message):
    code = main(["atlas", str(reviews_csv), *flags, "-o", str(tmp_path / "o")])
    assert code == 2
    assert message in capsys.readouterr().err


def test_parquet_name_refused_for_a_directory(reviews_csv, tmp_path, capsys):
    code = main(
        ["atlas", str(reviews_csv), "--cluster", "inprocess", "-o", str(tmp_path / "o.parquet")]
    )
    assert code == 2 and "writes a directory of parts" in capsys.readouterr().err


def test_dask_is_not_imported_by_the_qt_free_layers():
    import subprocess
    import sys

    code = (
        "import sys, embviz.cli, embviz.cli.atlas, embviz.cluster.engine, embviz.cluster.plan, "
        "embviz.cluster.work, embviz.io.atlas_partitions; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('dask', 'distributed'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", "import json; " + code], capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == []
