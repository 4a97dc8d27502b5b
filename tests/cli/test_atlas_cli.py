"""`embviz atlas` and `embviz search` on a real corpus (gensim's Pang & Lee sentences), checked
against sentence-transformers, scikit-learn and the topics core run directly; the atlas opens as
a corpus set with its layout ready."""

from __future__ import annotations

import json

import numpy as np
import pytest

from embviz.cli import main
from embviz.core.corpus import CLUSTER_COLUMN, CLUSTER_LABEL_COLUMN, ROW_COLUMN
from embviz.io.sample_corpora import sample_rows, write_sample_table

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

ROWS = sample_rows("pang-lee")[::2]  # 100 reviews, 50 negative then 50 positive
TEXTS = [r["text"] for r in ROWS]


def write_reviews(path):
    """The 100 reviews as a CSV, written by Python's csv module."""
    import csv

    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, ["text", "label"])
        writer.writeheader()
        writer.writerows(ROWS)
    return path


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("EMBVIZ_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture(scope="module")
def st_model():
    from tests.models.st_reference import reference_model

    return reference_model()


@pytest.fixture(scope="module")
def st_vectors(st_model):
    return st_model.encode(TEXTS, normalize_embeddings=True)


@pytest.fixture(scope="module")
def sentence_atlas(tmp_path_factory, st_model):
    folder = tmp_path_factory.mktemp("atlas")
    table = write_reviews(folder / "reviews.csv")
    out = folder / "reviews.parquet"
    code = main(["atlas", str(table), "--text", "text", "--method", "pca", "-o", str(out)])
    assert code == 0
    return out


def test_atlas_columns_vectors_layout_and_record(sentence_atlas, st_vectors):
    from sklearn.decomposition import PCA

    from embviz.core.topics import find_topics

    table = pq.read_table(sentence_atlas)
    assert table.column_names == [
        "text", "label", "vector", "x", "y",
        "cluster", "cluster_label", "cluster_fine", "cluster_fine_label",
    ]  # fmt: skip
    assert table.schema.field("vector").type == pa.list_(pa.float32())
    assert table.schema.field("cluster").type == pa.int64()
    vectors = np.array(table["vector"].to_pylist(), dtype=np.float32)
    np.testing.assert_allclose(vectors, st_vectors, atol=1e-5)
    coords = np.column_stack([table["x"].to_numpy(), table["y"].to_numpy()])
    expected = PCA(n_components=2).fit_transform(vectors.astype(np.float64))
    for axis in range(2):  # the same components, up to each one's sign
        sign = np.sign(np.dot(coords[:, axis], expected[:, axis]))
        np.testing.assert_allclose(coords[:, axis], sign * expected[:, axis], atol=1e-4)
    topics = find_topics(coords, TEXTS, layout=coords, seed=0)
    np.testing.assert_array_equal(table["cluster"].to_numpy(), topics.levels[0].labels)
    assert table["cluster_label"].to_pylist() == topics.levels[0].label_names().tolist()
    assert table["label"].to_pylist() == [r["label"] for r in ROWS]
    record = json.loads(table.schema.metadata[b"embviz"])
    assert record["embedder_name"] == "sentence" and record["text_column"] == "text"
    assert record["settings"]["weights_sha256"].startswith("53aa5117")
    assert record["projection"]["method"] == "pca"


def test_search_equals_sentence_transformers_cosine_ranking(
    sentence_atlas, st_model, st_vectors, capsys
):
    query = "a funny and charming comedy"
    capsys.readouterr()
    assert main(["search", str(sentence_atlas), query, "-k", "5", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    docs = st_vectors.astype(np.float64)
    q = st_model.encode([query], normalize_embeddings=True)[0].astype(np.float64)
    cosine = docs @ q / (np.linalg.norm(docs, axis=1) * np.linalg.norm(q))
    best = np.argsort(-cosine, kind="stable")[:5]
    assert found["query"] == query
    assert [hit["row"] for hit in found["results"]] == best.tolist()
    np.testing.assert_allclose([hit["score"] for hit in found["results"]], cosine[best], atol=1e-5)
    assert [hit["text"] for hit in found["results"]] == [TEXTS[i] for i in best]


def test_atlas_opens_as_a_corpus_set(sentence_atlas, st_model):
    import embviz
    from embviz.io.atlas_parquet import ATLAS_LAYOUT_KEY

    eset = embviz.load(sentence_atlas)
    table = pq.read_table(sentence_atlas)
    assert eset.source.format == "atlas" and eset.corpus.text_column == "text"
    assert eset.corpus.embedder == "sentence:all-MiniLM-L6-v2"
    assert eset.metadata[CLUSTER_COLUMN].dtype == np.int64
    assert eset.metadata[CLUSTER_LABEL_COLUMN].tolist() == table["cluster_label"].to_pylist()
    assert eset.metadata[ROW_COLUMN].tolist() == list(range(len(TEXTS)))
    assert "x" not in eset.metadata and "vector" not in eset.metadata
    layout = eset.peek_derived(ATLAS_LAYOUT_KEY)
    np.testing.assert_array_equal(layout.coords[:, 0], table["x"].to_numpy())
    assert layout.method == "pca"
    np.testing.assert_allclose(
        eset.model.embed_queries(["dull"]), st_model.encode(["dull"]), atol=1e-5
    )


def test_lsa_atlas_and_search_equal_sklearn(tmp_path, capsys):
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    table = write_sample_table("pang-lee", tmp_path / "reviews.jsonl")  # all 200
    texts = [r["text"] for r in sample_rows("pang-lee")]
    out = tmp_path / "lsa.parquet"
    args = ["atlas", str(table), "--embedder", "lsa", "--dims", "20", "--method", "pca"]
    assert main([*args, "-o", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["rows"] == 200 and summary["dims"] == 20
    vectorizer = TfidfVectorizer(
        max_features=50000, min_df=2, max_df=0.95, stop_words="english", sublinear_tf=True
    )
    svd = TruncatedSVD(20, random_state=0)
    docs = svd.fit_transform(vectorizer.fit_transform(texts))
    written = np.array(pq.read_table(out)["vector"].to_pylist())
    np.testing.assert_allclose(written, docs, atol=1e-5)
    assert main(["search", str(out), "boring film", "-k", "3", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    q = svd.transform(vectorizer.transform(["boring film"]))[0]
    cosine = docs @ q / np.maximum(np.linalg.norm(docs, axis=1) * np.linalg.norm(q), 1e-300)
    assert [hit["row"] for hit in found["results"]] == np.argsort(-cosine, kind="stable")[
        :3
    ].tolist()


def test_bad_requests_exit_2(tmp_path, capsys):
    table = write_reviews(tmp_path / "reviews.csv")
    assert main(["atlas", str(table), "--text", "nope", "-o", str(tmp_path / "a.parquet")]) == 2
    assert "no column 'nope'" in capsys.readouterr().err
    assert main(["atlas", str(table), "-o", str(tmp_path / "a.csv")]) == 2
    assert ".parquet" in capsys.readouterr().err
    assert main(["search", str(table), "query"]) == 2
    assert "not an atlas" in capsys.readouterr().err
    assert not (tmp_path / "a.parquet").exists()


def test_own_vectors_are_used_as_they_are(tmp_path, capsys):
    """A Parquet table with a vector column: --embedder column keeps it; searching in plain
    words is refused (no model is known), and a plain Parquet table is not taken for an atlas."""
    from embviz.io.registry import sniff

    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(len(TEXTS), 6)).astype(np.float32)
    source = tmp_path / "own.parquet"
    pq.write_table(
        pa.table(
            {
                "text": TEXTS,
                "label": [r["label"] for r in ROWS],
                "embedding": pa.array(list(vectors), pa.list_(pa.float32())),
            }
        ),
        source,
    )
    assert sniff(source)[0].name == "parquet"
    out = tmp_path / "own_atlas.parquet"
    assert (
        main(["atlas", str(source), "--embedder", "column", "--method", "pca", "-o", str(out)]) == 0
    )
    assert sniff(out)[0].name == "atlas"
    written = pq.read_table(out)
    np.testing.assert_array_equal(np.array(written["vector"].to_pylist()), vectors)
    np.testing.assert_array_equal(np.array(written["embedding"].to_pylist()), vectors)
    capsys.readouterr()
    assert main(["search", str(out), "anything"]) == 2
    assert "no model is known" in capsys.readouterr().err


def test_input_columns_named_like_atlas_columns(tmp_path, capsys):
    """An input column called x is kept as x_input; an atlas made again from an atlas replaces
    the old vector/x/y/cluster columns instead of keeping two of each."""
    vectors = np.random.default_rng(2).normal(size=(len(TEXTS), 4)).astype(np.float32)
    source = tmp_path / "with_x.parquet"
    pq.write_table(
        pa.table(
            {
                "text": TEXTS,
                "x": np.arange(len(TEXTS), dtype=np.float64),
                "vector": pa.array(list(vectors), pa.list_(pa.float32())),
            }
        ),
        source,
    )
    first = tmp_path / "first.parquet"
    base = ["--embedder", "column", "--method", "pca"]
    assert main(["atlas", str(source), *base, "-o", str(first)]) == 0
    assert "'x' is written as 'x_input'" in capsys.readouterr().err
    table = pq.read_table(first)
    np.testing.assert_array_equal(table["x_input"].to_numpy(), np.arange(len(TEXTS)))
    again = tmp_path / "again.parquet"
    assert main(["atlas", str(first), *base, "-o", str(again)]) == 0
    names = pq.read_table(again).column_names
    assert sorted(names) == sorted(table.column_names)
    np.testing.assert_array_equal(np.array(pq.read_table(again)["vector"].to_pylist()), vectors)
