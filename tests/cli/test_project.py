import csv
import json

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.manifold import trustworthiness

from embviz.cli import main


@pytest.fixture(scope="module")
def words_file(tmp_path_factory):
    """300 real words of the demo (all-MiniLM-L6-v2 vectors) as an .npz file."""
    import embviz
    from embviz.core.paths import demo_path

    demo = embviz.load(demo_path())
    rows = np.arange(0, len(demo), 70)[:300]
    labels = np.asarray([demo.labels[r] for r in rows])
    vectors = np.asarray(demo.vectors[rows], dtype=np.float32)
    path = tmp_path_factory.mktemp("project") / "words.npz"
    np.savez(path, vectors=vectors, labels=labels)
    return path, list(labels), vectors


def test_pca_json_and_npy_output_match_scikit_learn(words_file, tmp_path, capsys):
    path, _, vectors = words_file
    out = tmp_path / "coords.npy"
    assert main(["project", str(path), "--method", "pca", "-o", str(out), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"method", "dims", "seconds", "trustworthiness", "rows_left_out"}
    assert result["rows_left_out"] == 0
    assert result["method"] == "pca" and result["dims"] == 2 and result["seconds"] >= 0
    coords = np.load(out)
    assert np.allclose(coords, PCA(2, svd_solver="full").fit_transform(vectors), atol=2e-3)
    expected = trustworthiness(vectors, coords, n_neighbors=10)
    assert abs(result["trustworthiness"] - expected) < 1e-9


def test_tsne_3d_with_seed_and_params_writes_csv_in_input_order(words_file, tmp_path, capsys):
    path, labels, vectors = words_file
    out = tmp_path / "coords.csv"
    args = ["project", str(path), "--method", "tsne", "--dims", "3", "--seed", "5"]
    args += ["--param", "iterations=100", "--param", "early_iterations=50", "-o", str(out)]
    assert main(args) == 0
    assert "t-SNE" in capsys.readouterr().out
    with open(out, encoding="utf-8") as f:
        table = list(csv.reader(f))
    assert table[0] == ["label", "x", "y", "z"]
    assert [row[0] for row in table[1:]] == labels
    coords = np.array([[float(v) for v in row[1:]] for row in table[1:]])
    assert trustworthiness(vectors, coords, n_neighbors=10) > 0.75  # shuffled rows: about 0.5


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--method", "tsne", "--param", "perplexity=0"], "out of range"),
        (["--method", "tsne", "--param", "nope=1"], "no parameter 'nope'"),
        (["--method", "magic"], "unknown reducer 'magic'"),
        (["--method", "pca", "-o", "x.png"], "write .npy, .csv or .tsv"),
    ],
)
def test_bad_requests_get_one_clear_line(words_file, capsys, extra, message):
    path, _, _ = words_file
    assert main(["project", str(path), *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
