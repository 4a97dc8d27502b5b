"""How the cluster plan's map and topics compare with the single-file `embviz atlas`.

On gensim's mini_newsgroup (200 posts, alt.atheism and sci.space; embviz.io.sample_corpora):
the single-file atlas (UMAP on every row, topics on every row) against the cluster plan (UMAP
and topics fitted on a sample of ``--sample-rows``, the other rows placed by the weighted mean of
their 3 nearest sampled rows and given their nearest sampled row's cluster), and against
umap-learn's own ``transform`` for the placed rows (fitted on the same sample, same settings).
Both plans get the same vectors as the single run (its ``vector`` column), so only the sampling
and the placement differ. Prints trustworthiness (scikit-learn, k = 10, cosine on the vectors),
the adjusted Rand index of the clusters against the single run's and against the newsgroups,
for a few seeds of the sample.

    python benchmarks/atlas_cluster_quality.py [--sample-rows 100] [--seeds 0 1 2]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def read_parts(directory: Path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from embviz.io.atlas_partitions import part_paths, read_partitioned_record

    record = read_partitioned_record(directory)
    return pa.concat_tables([pq.read_table(p) for p in part_paths(directory, record)])


def coords_of(table) -> np.ndarray:
    return np.column_stack([table["x"].to_numpy(), table["y"].to_numpy()]).astype(np.float64)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample-rows", type=int, default=100)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args(argv)

    import pyarrow as pa
    import pyarrow.parquet as pq
    from sklearn.manifold import trustworthiness
    from sklearn.metrics import adjusted_rand_score

    from embviz.cli import main as cli
    from embviz.cluster.plan import sample_of
    from embviz.io.sample_corpora import write_sample_table

    print(f"load average at start: {os.getloadavg()}")
    folder = Path(tempfile.mkdtemp(prefix="embviz-cluster-quality-"))
    table = write_sample_table("newsgroups", folder / "ng.csv")
    single = folder / "single.parquet"
    started = time.perf_counter()
    assert cli(["atlas", str(table), "--text", "text", "-o", str(single)]) == 0
    print(f"single-file atlas: {time.perf_counter() - started:.1f} s")
    one = pq.read_table(single)
    vectors = np.stack(one["vector"].to_numpy(zero_copy_only=False)).astype(np.float32)
    groups = one["group"].to_pylist()
    n = len(vectors)
    with_vectors = folder / "ng_vectors.parquet"
    pq.write_table(
        pa.table(
            {
                "text": one["text"],
                "group": one["group"],
                "embedding": pa.FixedSizeListArray.from_arrays(
                    pa.array(vectors.ravel()), vectors.shape[1]
                ),
            }
        ),
        with_vectors,
    )

    def trust(coords: np.ndarray) -> float:
        return float(trustworthiness(vectors, coords, n_neighbors=args.k, metric="cosine"))

    single_xy, single_clusters = coords_of(one), one["cluster"].to_numpy()
    print(f"\n{n} posts; sample {args.sample_rows} rows; trustworthiness k={args.k} (cosine)")
    print(f"single-file  T={trust(single_xy):.4f}  ARI vs groups "
          f"{adjusted_rand_score(groups, single_clusters):.3f}  "
          f"clusters {len(set(single_clusters) - {-1})}, unclustered "
          f"{int((single_clusters < 0).sum())}")  # fmt: skip
    import umap

    for seed in args.seeds:
        out = folder / f"plan{seed}"
        code = cli(
            ["atlas", str(with_vectors), "--text", "text", "--embedder", "column",
             "--cluster", "inprocess", "--sample-rows", str(args.sample_rows),
             "--partition-rows", "50", "--seed", str(seed), "-o", str(out), "--json"]
        )  # fmt: skip
        assert code == 0
        plan = read_parts(out)
        xy, clusters = coords_of(plan), plan["cluster"].to_numpy()
        sample = sample_of(n, args.sample_rows, seed)
        others = np.setdiff1d(np.arange(n), sample)
        # umap-learn's transform for the same placed rows, fitted on the same sample
        fitted = umap.UMAP(n_neighbors=15, min_dist=0.1, metric="cosine", random_state=seed)
        fitted.fit(vectors[sample])
        via_transform = xy.copy()
        via_transform[sample] = fitted.embedding_
        started = time.perf_counter()
        via_transform[others] = fitted.transform(vectors[others])
        transform_s = time.perf_counter() - started
        halves = np.vstack(
            [fitted.transform(vectors[others[::2]]), fitted.transform(vectors[others[1::2]])]
        )
        by_halves = float(np.abs(halves - via_transform[np.r_[others[::2], others[1::2]]]).max())
        from embviz.cluster.placement import place

        started = time.perf_counter()
        place(vectors[others], vectors[sample], xy[sample])
        place_s = time.perf_counter() - started
        sample_trust = float(
            trustworthiness(vectors[sample], xy[sample], n_neighbors=args.k, metric="cosine")
        )
        print(
            f"seed {seed}: plan T={trust(xy):.4f} (its sample alone {sample_trust:.4f}), "
            f"umap-learn transform T={trust(via_transform):.4f}; plan clusters ARI vs single "
            f"{adjusted_rand_score(single_clusters, clusters):.3f}, vs groups "
            f"{adjusted_rand_score(groups, clusters):.3f}, "
            f"{len(set(clusters) - {-1})} clusters, {int((clusters < 0).sum())} unclustered"
        )
        print(
            f"        placing {len(others)} rows: embviz {1000 * place_s:.1f} ms, umap-learn "
            f"transform {1000 * transform_s:.1f} ms; transform in two halves moves rows by up to "
            f"{by_halves:.3f} (embviz's placement: by construction 0)"
        )
    print(f"load average at end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
