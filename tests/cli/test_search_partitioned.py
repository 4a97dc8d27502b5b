"""`embviz search FOLDER "query"` on a real atlas (gensim's Pang & Lee reviews embedded by
`embviz atlas`) written again as a partitioned folder: the same ranking as sentence-transformers'
exact cosine, the texts read from the parts."""

from __future__ import annotations

import json

import numpy as np
import pytest

from embviz.cli import main

pytest.importorskip("pyarrow")

from tests.cli.test_atlas_cli import TEXTS, write_reviews  # noqa: E402
from tests.io.partitioned_helpers import split_atlas  # noqa: E402


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("EMBVIZ_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


def test_search_a_partitioned_atlas_equals_sentence_transformers(tmp_path, capsys):
    from tests.models.st_reference import reference_model

    table = write_reviews(tmp_path / "reviews.csv")
    single = tmp_path / "reviews.parquet"
    assert main(["atlas", str(table), "--text", "text", "--method", "pca", "-o", str(single)]) == 0
    folder = split_atlas(single, tmp_path / "reviews-parts", parts=3)
    query = "a funny and charming comedy"
    capsys.readouterr()
    assert main(["search", str(folder), query, "-k", "5", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    model = reference_model()
    docs = model.encode(TEXTS, normalize_embeddings=True).astype(np.float64)
    q = model.encode([query], normalize_embeddings=True)[0].astype(np.float64)
    cosine = docs @ q / (np.linalg.norm(docs, axis=1) * np.linalg.norm(q))
    best = np.argsort(-cosine, kind="stable")[:5]
    assert [hit["row"] for hit in found["results"]] == best.tolist()
    np.testing.assert_allclose([hit["score"] for hit in found["results"]], cosine[best], atol=1e-5)
    assert [hit["text"] for hit in found["results"]] == [TEXTS[i] for i in best]
    # the record file names the folder too
    assert main(["search", str(folder / "_embviz.json"), query, "-k", "2", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert [hit["row"] for hit in again["results"]] == best[:2].tolist()
