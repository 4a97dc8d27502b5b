"""Naming the clusters of 100k documents: embviz's c-TF-IDF against BERTopic's recipe, same run.

Documents: 100,000 windows of 40 words cut at random from real text (gensim's lee_background.cor
and the bodies of its mini_newsgroup posts), so word frequencies are those of real English.
Clusters: 50 coarse clusters, each split into 5 fine ones (250), assigned at random.

- embviz: :func:`embviz.core.topics.ctfidf.count_terms` counts the words of every document once
  (chunked, cancellable), then each level is a sparse sum per class, c-TF-IDF and the top words.
- peer: BERTopic's recipe (``_c_tf_idf`` + ``ClassTfidfTransformer``) written out with
  scikit-learn: per level, the documents of each class joined into one, ``CountVectorizer`` over
  the joined texts, tf L1-normalised times ``log(1 + A / f_t)`` (A rounded down, as BERTopic
  does), the top words by argsort.

Both use the same tokens (e-mail and web addresses blanked) and stop words. The script prints each side's time, the ratio, and how
often both name a cluster by the same top word (the formulas agree up to BERTopic rounding A).

    python benchmarks/bench_topic_names.py [--docs 100000] [--words 40]
"""

from __future__ import annotations

import argparse
import re
import time

import numpy as np
import scipy.sparse as sp


def real_words() -> list[str]:
    from gensim.test.utils import datapath

    from embviz.io.sample_corpora import newsgroups

    with open(datapath("lee_background.cor"), encoding="utf-8", errors="replace") as handle:
        text = handle.read()
    text += "\n".join(row["text"] for row in newsgroups())
    return re.findall(r"\S+", text)


def make_documents(n: int, length: int, seed: int = 0) -> list[str]:
    words = real_words()
    starts = np.random.default_rng(seed).integers(0, len(words) - length, n)
    return [" ".join(words[s : s + length]) for s in starts]


def embviz_names(texts, levels, stop) -> tuple[list[list[str]], float]:
    from embviz.core.tasks import run_task
    from embviz.core.topics.ctfidf import class_counts, count_terms, ctfidf, top_terms

    start = time.perf_counter()
    terms = run_task(count_terms(texts, stop))
    names = []
    for labels in levels:
        _ids, counts = class_counts(terms.counts, labels)
        names.append(
            [[w for w, _ in words] for words in top_terms(ctfidf(counts), terms.vocabulary, 3)]
        )
    return names, time.perf_counter() - start


def bertopic_names(texts, levels, stop) -> tuple[list[list[str]], float]:
    """BERTopic's c-TF-IDF as its code does it, with scikit-learn's CountVectorizer."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.preprocessing import normalize

    from embviz.core.topics.ctfidf import ADDRESS_PATTERN, TOKEN_PATTERN

    blank_addresses = re.compile(ADDRESS_PATTERN).sub

    start = time.perf_counter()
    names = []
    for labels in levels:
        joined = {}
        for text, label in zip(texts, labels.tolist(), strict=True):
            joined.setdefault(label, []).append(text)
        classes = sorted(joined)
        documents = [" ".join(joined[c]) for c in classes]  # BERTopic: docs per topic, joined
        vectorizer = CountVectorizer(
            token_pattern=TOKEN_PATTERN,
            stop_words=sorted(stop),
            preprocessor=lambda text: blank_addresses(" ", text.lower()),  # as embviz does
        )
        x = vectorizer.fit_transform(documents)
        words = vectorizer.get_feature_names_out()
        df = np.squeeze(np.asarray(x.sum(axis=0)))
        average = int(x.sum(axis=1).mean())  # BERTopic rounds A down
        idf = np.log((average / df) + 1)
        scores = normalize(x, axis=1, norm="l1", copy=False) @ sp.diags(idf)
        scores = sp.csr_matrix(scores)
        level_names = []
        for row in range(scores.shape[0]):
            values = scores.getrow(row).toarray().ravel()
            level_names.append([str(words[i]) for i in np.argsort(values)[::-1][:3]])
        names.append(level_names)
    return names, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--words", type=int, default=40)
    args = parser.parse_args()
    from embviz.core.topics.stopwords import stop_words_for

    texts = make_documents(args.docs, args.words)
    rng = np.random.default_rng(1)
    fine = rng.integers(0, 250, args.docs)
    coarse = fine // 5
    levels = [coarse, fine]
    stop = stop_words_for("english")
    print(f"{args.docs:,} documents of {args.words} words; {50} coarse and {250} fine clusters")
    ours, ours_s = embviz_names(texts, levels, stop)
    peer, peer_s = bertopic_names(texts, levels, stop)
    same = [
        np.mean([a[0] == b[0] for a, b in zip(o, p, strict=True)])
        for o, p in zip(ours, peer, strict=True)
    ]
    print(f"embviz  (count once, name both levels): {ours_s:6.2f} s")
    print(f"BERTopic recipe (CountVectorizer/level): {peer_s:6.2f} s")
    print(f"ratio peer / embviz: {peer_s / ours_s:.2f}x")
    print(f"same top word: coarse {same[0]:.0%}, fine {same[1]:.0%}")
    print("e.g. coarse 0:", ", ".join(ours[0][0]), "|", ", ".join(peer[0][0]))


if __name__ == "__main__":
    main()
