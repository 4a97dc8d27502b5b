"""`embviz search ATLAS.parquet "query" [-k N] [--json]`: the documents of an atlas nearest to a
query in plain words. The query is embedded with the model the atlas records; scores are exact
cosine similarities with every document's vector, by the same exact search as neighbours and
the window's search (:mod:`embviz.core.neighbors`)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from embviz.cli.read_options import positive


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "search",
        help="search an atlas (.parquet from embviz atlas) in plain words",
        description="Embeds the query with the model recorded in the atlas and lists the k "
        "documents with the highest cosine similarity (exact, over all documents).",
    )
    p.add_argument(
        "atlas", help="an atlas .parquet written by embviz atlas, or a partitioned atlas folder"
    )
    p.add_argument("query", help="what to look for, in plain words")
    p.add_argument("-k", type=positive, default=10, help="how many documents (default 10)")
    p.add_argument("--model", help="the model folder, when it is not where the atlas says")
    p.add_argument("--json", action="store_true", help='{"query":..., "results":[...]}')
    p.set_defaults(func=run)


def search_atlas(path: str, query: str, k: int, model: str | None = None) -> dict[str, Any]:
    from embviz.core.dataset import EmbeddingSet
    from embviz.core.errors import EmbvizError
    from embviz.core.neighbors import index_for
    from embviz.io.atlas_parquet import read_atlas
    from embviz.models.documents.recorded import query_model

    if not query.strip():
        raise EmbvizError("the query is empty: give some words to look for.")
    from embviz.io.atlas_dataset import partitioned_directory

    if partitioned_directory(path) is not None:
        return search_partitioned(path, query, k, model)
    table, record, _ = read_atlas(path)
    if model:
        record = {**record, "settings": {**(record.get("settings") or {}), "model": model}}
    embedder = query_model(record, table.texts)
    if embedder is None:
        raise EmbvizError(
            f"{path}: its vectors came from a column of the input, so no model is known to embed "
            "a query in plain words."
        )
    assert table.vectors is not None
    vector = embedder.embed_queries([query])[0]
    documents = EmbeddingSet(list(table.titles), table.vectors, name=str(path))
    rows, scores = index_for(documents).search_vector(vector, min(k, len(documents)), "cosine")
    texts = table.columns[table.text_column]
    results = [
        {"row": int(r), "score": float(s), "title": table.titles[r], "text": str(texts[r])}
        for r, s in zip(rows.tolist(), scores.tolist(), strict=True)
    ]
    return {"query": query, "model": embedder.description, "results": results}


def search_partitioned(path: str, query: str, k: int, model: str | None) -> dict[str, Any]:
    """The same search over a partitioned atlas folder: opened lazily, its vectors read once,
    the texts of the k documents found read from their row groups only."""
    from pathlib import Path

    from embviz.core.errors import EmbvizError
    from embviz.core.neighbors import index_for
    from embviz.core.tasks import run_task
    from embviz.io.atlas_checks import read_record_strict
    from embviz.io.atlas_dataset import document_texts, partitioned_directory
    from embviz.io.registry import load_task
    from embviz.models.documents.recorded import RecordedQueries

    folder = partitioned_directory(path)
    assert folder is not None
    eset = run_task(load_task(folder))
    record = read_record_strict(Path(folder))
    if model:
        record = {**record, "settings": {**(record.get("settings") or {}), "model": model}}
    if not record.get("embedder_name"):
        raise EmbvizError(
            f"{path}: its vectors came from a column of the input, so no model is known to embed "
            "a query in plain words."
        )
    texts = eset.model.texts if isinstance(eset.model, RecordedQueries) else []
    embedder = RecordedQueries(record, texts)
    vector = embedder.embed_queries([query])[0]
    rows, scores = index_for(eset).search_vector(vector, min(k, len(eset)), "cosine")
    found = document_texts(eset, rows.tolist())
    results = [
        {"row": int(r), "score": float(s), "title": eset.labels[int(r)], "text": text}
        for r, s, text in zip(rows.tolist(), scores.tolist(), found, strict=True)
    ]
    return {"query": query, "model": embedder.description, "results": results}


def run(args: argparse.Namespace) -> int:
    found = search_atlas(args.atlas, args.query, args.k, args.model)
    if args.json:
        print(json.dumps(found, ensure_ascii=False))
        return 0
    print(f"{len(found['results'])} nearest to {args.query!r} ({found['model']}):")
    for hit in found["results"]:
        print(f"{hit['score']:.4f}  row {hit['row']}: {hit['title']}")
    return 0
