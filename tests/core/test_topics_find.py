"""find_topics: nested levels on a layout with known structure, agreement with the labels of a real
corpus (gensim's mini_newsgroup), columns, renaming and exported names."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from embviz.core.corpus import (
    CLUSTER_COLUMN,
    CLUSTER_LABEL_COLUMN,
    FINE_CLUSTER_COLUMN,
    FINE_CLUSTER_LABEL_COLUMN,
)
from embviz.core.tasks import Progress
from embviz.core.topics import (
    UNCLUSTERED,
    find_topics,
    find_topics_task,
    names_as_csv,
    names_as_json,
    rename,
    topic_columns,
)
from embviz.io.safe_write import WriteError
from embviz.io.sample_corpora import newsgroups
from embviz.io.topic_names import export_names

COARSE_WORDS = ["fruit", "metal", "ocean"]
FINE_WORDS = [["apple", "pear"], ["iron", "copper"], ["whale", "coral"]]


def _two_level_layout() -> tuple[np.ndarray, list[str], np.ndarray, np.ndarray]:
    """Three far-apart groups, each of two tight blobs, plus a sparse uniform background."""
    rng = np.random.default_rng(7)
    points, texts, coarse, fine = [], [], [], []
    for g, centre in enumerate([(0.0, 0.0), (40.0, 0.0), (20.0, 35.0)]):
        for s, offset in enumerate([(-4.0, 0.0), (4.0, 0.0)]):
            blob = rng.normal(0, 0.8, (60, 2)) + np.add(centre, offset)
            points.append(blob)
            for _ in range(60):
                filler = rng.choice(["today", "thing", "nice", "seen"], 2)
                texts.append(f"{COARSE_WORDS[g]} {FINE_WORDS[g][s]} {' '.join(filler)}")
            coarse += [g] * 60
            fine += [2 * g + s] * 60
    background = rng.uniform(-20, 60, (40, 2))
    points.append(background)
    texts += ["nothing in particular here"] * 40
    coarse += [-1] * 40
    fine += [-1] * 40
    return np.vstack(points), texts, np.array(coarse), np.array(fine)


@pytest.fixture(scope="module")
def layout_topics():
    points, texts, coarse, fine = _two_level_layout()
    return points, texts, coarse, fine, find_topics(points, texts, min_cluster_size=100)


def test_coarse_and_fine_levels_recover_the_structure(layout_topics) -> None:
    points, texts, coarse, fine, topics = layout_topics
    top, sub = topics.levels
    assert (top.name, sub.name) == ("coarse", "fine")
    structured = coarse >= 0
    assert adjusted_rand_score(coarse[structured], top.labels[structured]) > 0.95
    assert adjusted_rand_score(fine[structured], sub.labels[structured]) > 0.9
    # background points far from every blob stay mostly unclustered (HDBSCAN keeps in a cluster
    # the sparse points that were already attached when the cluster formed)
    gaps = np.linalg.norm(points[~structured, None] - points[None, structured], axis=2).min(axis=1)
    far = top.labels[~structured][gaps > 5.0]
    assert len(far) >= 10 and np.mean(far == -1) > 0.7
    # fine clusters nest in coarse ones: every fine cluster lies in exactly its parent
    for topic in sub.topics:
        if topic.id >= 0:
            parents = set(top.labels[sub.labels == topic.id].tolist())
            assert parents == {topic.parent}
    assert np.all(sub.labels[top.labels == -1] == -1)


def test_names_are_the_clusters_own_words(layout_topics) -> None:
    points, texts, coarse, fine, topics = layout_topics
    top, sub = topics.levels
    for topic in top.topics:
        if topic.id < 0:
            assert topic.name == UNCLUSTERED
            continue
        group = np.bincount(coarse[top.labels == topic.id] + 1).argmax() - 1
        assert COARSE_WORDS[group] in topic.name.split(", ")
        # the centre is the member nearest the members' mean (so it lies on the cluster)
        members = points[top.labels == topic.id]
        gaps = np.linalg.norm(members - members.mean(axis=0), axis=1)
        assert np.allclose(topic.centre, members[np.argmin(gaps)])
    for topic in sub.topics:
        if topic.id >= 0:
            truth = np.bincount(fine[sub.labels == topic.id] + 1).argmax() - 1
            assert topic.name.split(", ")[0] == FINE_WORDS[truth // 2][truth % 2]


def test_columns_rename_and_export(layout_topics, tmp_path) -> None:
    points, texts, coarse, fine, topics = layout_topics
    columns = topic_columns(topics)
    assert set(columns) == {
        CLUSTER_COLUMN,
        CLUSTER_LABEL_COLUMN,
        FINE_CLUSTER_COLUMN,
        FINE_CLUSTER_LABEL_COLUMN,
    }
    assert columns[CLUSTER_COLUMN].dtype == np.int64
    assert np.array_equal(columns[CLUSTER_COLUMN], topics.levels[0].labels)
    unclustered = columns[CLUSTER_COLUMN] == -1
    assert set(columns[CLUSTER_LABEL_COLUMN][unclustered]) == {UNCLUSTERED}
    first = topics.levels[0].topics[0]
    assert set(columns[CLUSTER_LABEL_COLUMN][columns[CLUSTER_COLUMN] == 0]) == {first.name}

    renamed = rename(topics, "coarse", 0, "  Fruit   bowl ")
    again = topic_columns(renamed)
    assert set(again[CLUSTER_LABEL_COLUMN][again[CLUSTER_COLUMN] == 0]) == {"Fruit bowl"}
    assert topics.levels[0].topics[0].name == first.name  # the original is unchanged
    with pytest.raises(ValueError):
        rename(topics, "coarse", 0, "   ")
    with pytest.raises(KeyError):
        rename(topics, "fine", 999, "x")

    rows = list(csv.DictReader(io.StringIO(names_as_csv(renamed))))
    assert len(rows) == sum(len(level.topics) for level in renamed.levels)
    assert {"level": "coarse", "cluster": "0", "name": "Fruit bowl"}.items() <= rows[0].items()
    document = json.loads(names_as_json(renamed))
    assert document["topics"][0]["name"] == "Fruit bowl"

    path = export_names(renamed, tmp_path / "names.json")
    assert json.loads(path.read_text(encoding="utf-8")) == document
    with pytest.raises(WriteError, match="already exists"):
        export_names(topics, path)
    export_names(topics, path, force=True)
    assert json.loads(path.read_text(encoding="utf-8"))["topics"][0]["name"] == first.name


def test_the_task_reports_progress_and_bad_input_is_refused() -> None:
    points, texts, *_ = _two_level_layout()
    task = find_topics_task(points, texts, min_cluster_size=100)
    steps = []
    try:
        while True:
            steps.append(next(task))
    except StopIteration as stop:
        assert stop.value.levels[0].n_clusters == 3
    assert all(isinstance(s, Progress) for s in steps) and len(steps) >= 4
    fractions = [s.fraction for s in steps if s.fraction is not None]
    assert fractions == sorted(fractions)
    with pytest.raises(ValueError, match="texts for"):
        find_topics(points, texts[:-1])
    with pytest.raises(ValueError, match="NaN"):
        find_topics(np.full((5, 2), np.nan), ["a"] * 5)


def test_newsgroup_clusters_agree_with_the_groups_and_are_named_by_them() -> None:
    """200 posts (alt.atheism, sci.space) as TF-IDF/LSA document vectors: the clusters match the
    groups, and each is named with words typical of its group."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    rows = newsgroups()  # the posts' bodies: the headers, which name the group, are left out
    texts = [row["text"] for row in rows]
    names = sorted({row["group"] for row in rows})
    groups = np.array([names.index(row["group"]) for row in rows])
    tfidf = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2, max_df=0.5)
    lsa = normalize(TruncatedSVD(2, random_state=0).fit_transform(tfidf.fit_transform(texts)))
    topics = find_topics(lsa, texts)
    top = topics.levels[0]
    clustered = top.labels >= 0
    assert top.n_clusters >= 2 and clustered.mean() > 0.8
    assert adjusted_rand_score(groups[clustered], top.labels[clustered]) > 0.8
    typical = {
        "alt.atheism": {"god", "atheism", "atheists", "religion", "bible", "christian", "people"},
        "sci.space": {"space", "nasa", "launch", "shuttle", "orbit", "moon", "earth"},
    }
    for topic in top.topics:
        if topic.id < 0:
            continue
        members = groups[top.labels == topic.id]
        purity = np.bincount(members).max() / len(members)
        assert purity > 0.9
        group = names[np.bincount(members).argmax()]
        assert typical[group] & set(topic.name.split(", ")), (group, topic.name)


def test_vectors_are_clustered_as_unit_vectors_reduced_by_pca() -> None:
    """space="vectors": three directions in 64-d (documents that differ in length only lie on one
    ray), with noise; unit scaling joins each ray, PCA keeps the three groups apart."""
    rng = np.random.default_rng(5)
    directions = rng.normal(size=(3, 64))
    groups = np.repeat(np.arange(3), 80)
    lengths = rng.uniform(0.5, 5.0, len(groups))[:, None]  # scale must not matter
    vectors = lengths * (directions[groups] + 0.15 * rng.normal(size=(len(groups), 64)))
    texts = [f"{['alpha', 'beta', 'gamma'][g]} word{rng.integers(0, 9)}" for g in groups]
    topics = find_topics(vectors, texts, space="vectors", reduction="pca", min_cluster_size=40)
    top = topics.levels[0]
    assert topics.space == "vectors" and top.n_clusters == 3
    assert adjusted_rand_score(groups, top.labels) > 0.95
    assert all(t.centre is None for t in top.topics)  # no layout given: no centres
    assert {t.name.split(", ")[0] for t in top.topics if t.id >= 0} == {"alpha", "beta", "gamma"}
    with pytest.raises(ValueError, match="reduction"):
        find_topics(vectors, texts, space="vectors", reduction="tsne")
