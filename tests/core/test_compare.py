"""Pairing, alignment and per-word measures against gensim, scipy and the formulas written out."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.linalg import orthogonal_procrustes
from threadpoolctl import threadpool_limits

import embviz
from embviz.core.compare import accuracy, align, compare, pair_sets, read_pairs, translate
from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError, LoadError
from embviz.core.paths import demo_path

gensim_utils = pytest.importorskip("gensim.test.utils")
EN = gensim_utils.datapath("EN.1-10.cbow1_wind5_hs0_neg10_size300_smpl1e-05.txt")
IT = gensim_utils.datapath("IT.1-10.cbow1_wind5_hs0_neg10_size300_smpl1e-05.txt")
PAIRS = gensim_utils.datapath("OPUS_en_it_europarl_train_one2ten.txt")
# gensim's own documented split: these 15 pairs train TranslationMatrix in its docstring; the other
# 5 pairs of the file (six, nine, ten, cat, mango) are the held-out test dictionary here
TRAIN_WORDS = {"one", "two", "three", "four", "five", "seven", "eight", "dog", "pig", "fish"}
TRAIN_WORDS |= {"birds", "apple", "orange", "grape", "banana"}


@pytest.fixture(autouse=True)
def one_blas_thread():
    """Small products: BLAS threads waiting for a busy core made these tests 10x slower."""
    with threadpool_limits(1):
        yield


@pytest.fixture(scope="module")
def en_it():
    return embviz.load(EN), embviz.load(IT)


@pytest.fixture(scope="module")
def split():
    pairs = read_pairs(PAIRS)
    train = [p for p in pairs if p[0] in TRAIN_WORDS]
    test = [p for p in pairs if p[0] not in TRAIN_WORDS]
    assert len(train) == 15 and len(test) == 5
    return train, test


@pytest.fixture(scope="module")
def demo():
    return embviz.load(demo_path())


@pytest.fixture(scope="module")
def demo_words(demo):
    rows = np.arange(0, len(demo), 25)[:800]  # more words than dims: W is unique
    return EmbeddingSet(
        [demo.labels[r] for r in rows], np.asarray(demo.vectors[rows]), name="demo 800"
    )


def _rotated(eset, seed=0):
    # a random orthogonal matrix (QR of a Gaussian one, signs fixed: Haar-distributed)
    q, r = np.linalg.qr(np.random.default_rng(seed).normal(size=(eset.dims, eset.dims)))
    q = (q * np.sign(np.diag(r))).astype(np.float32)
    return EmbeddingSet(list(eset.labels), eset.vectors @ q, name="rotated"), q


# pairs files ------------------------------------------------------------------------------------
def test_read_pairs_reads_gensims_dictionary():
    pairs = read_pairs(PAIRS)
    assert len(pairs) == 20 and pairs[0] == ("one", "uno") and pairs[-1] == ("mango", "mango")


def test_read_pairs_says_file_line_and_what(tmp_path):
    bad = tmp_path / "pairs.txt"
    bad.write_text("# comment\ncat gatto\n\ndog cane extra\n", encoding="utf-8")
    with pytest.raises(LoadError) as err:
        read_pairs(bad)
    assert f"{bad}, line 4" in str(err.value) and "found 3" in str(err.value)
    with pytest.raises(LoadError, match="no such file"):
        read_pairs(tmp_path / "absent.txt")
    (tmp_path / "empty.txt").write_text("\n# nothing\n", encoding="utf-8")
    with pytest.raises(LoadError, match="holds no pairs"):
        read_pairs(tmp_path / "empty.txt")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9 caff\xe8\n".encode("latin-1"))
    with pytest.raises(LoadError, match="line 1.*UTF-8"):
        read_pairs(tmp_path / "latin1.txt")


def test_pairing_skips_missing_words_and_keeps_one_to_one(en_it):
    a, b = en_it
    pairing = pair_sets(a, b, [("one", "uno"), ("one", "due"), ("two", "uno"), ("zzz", "uno")])
    assert len(pairing) == 3 and pairing.missing == 1
    rows_a, rows_b = pairing.one_to_one()
    assert [a.labels[r] for r in rows_a] == ["one"] and [b.labels[r] for r in rows_b] == ["uno"]
    with pytest.raises(EmbvizError, match="none of its 1 pairs"):
        pair_sets(a, b, [("uno", "one")])
    assert [a.labels[r] for r in pair_sets(a, b).rows_a] == ["banana", "mango"]  # same spelling
    other = EmbeddingSet(["x", "y"], np.ones((2, 300)))
    with pytest.raises(EmbvizError, match="share no labels"):
        pair_sets(a, other)


# linear = gensim's TranslationMatrix ------------------------------------------------------------
def test_linear_translation_equals_gensim_translation_matrix(en_it, split):
    from gensim.models import KeyedVectors
    from gensim.models.translation_matrix import TranslationMatrix

    a, b = en_it
    train, _ = split
    alignment = align(pair_sets(a, b, train), "linear")
    kv_en = KeyedVectors.load_word2vec_format(EN)
    kv_it = KeyedVectors.load_word2vec_format(IT)
    model = TranslationMatrix(kv_en, kv_it, word_pairs=train)
    np.testing.assert_allclose(alignment.matrix, model.translation_matrix, rtol=1e-5, atol=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = model.translate(a.labels, topn=5)
    ours = translate(a.labels, alignment, k=5)
    target = kv_it.vectors / np.linalg.norm(kv_it.vectors, axis=1, keepdims=True)
    for word in a.labels:
        assert [label for label, _ in ours[word]] == expected[word], word
        mapped = kv_en[word] / np.linalg.norm(kv_en[word]) @ model.translation_matrix
        cos = target @ mapped / np.linalg.norm(mapped)
        want = [cos[kv_it.get_index(w)] for w in expected[word]]
        np.testing.assert_allclose([s for _, s in ours[word]], want, atol=1e-5)


def test_accuracy_on_the_held_out_pairs_with_and_without_csls(en_it, split):
    a, b = en_it
    train, test = split
    alignment = align(pair_sets(a, b, train), "linear")
    plain = accuracy(alignment, test, ks=(1, 5))
    hubless = accuracy(alignment, test, ks=(1, 5), csls=True, csls_k=3)
    # counted by hand from gensim's own translations of the held-out words
    from gensim.models import KeyedVectors
    from gensim.models.translation_matrix import TranslationMatrix

    model = TranslationMatrix(
        KeyedVectors.load_word2vec_format(EN), KeyedVectors.load_word2vec_format(IT), train
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = model.translate([s for s, _ in test], topn=5)
    gold = dict(test)
    assert plain["at1"] == sum(found[s][0] == gold[s] for s in gold) / 5
    assert plain["at5"] == sum(gold[s] in found[s] for s in gold) / 5
    assert plain["words"] == hubless["words"] == 5 and hubless["csls"] is True
    assert 0 <= hubless["at1"] <= hubless["at5"] <= 1


# Procrustes undoes a rotation of real vectors ---------------------------------------------------
def test_procrustes_undoes_a_known_rotation(demo, demo_words):
    rotated, q = _rotated(demo_words)
    pairing = pair_sets(demo_words, rotated)
    alignment = align(pairing, "procrustes")
    # the demo vectors span 381 of 384 dimensions (mean pooling of unit vectors leaves 3 out), so
    # W equals Q on that span: held-out words of the demo are carried exactly back
    held_out = np.asarray(demo.vectors[1::25][:500], dtype=np.float64)
    np.testing.assert_allclose(held_out @ alignment.matrix, held_out @ q, atol=2e-4)
    x = demo_words.unit_vectors().astype(np.float64)
    y = rotated.unit_vectors().astype(np.float64)
    w, _ = orthogonal_procrustes(x, y)
    np.testing.assert_allclose(alignment.matrix, w, atol=1e-5)
    result = compare(demo_words, rotated, pairing, alignment, k=10)
    assert result.residual < 1e-3  # ||X W - Y||_F on unit rows
    assert np.abs(result.displacement).max() < 1e-5
    assert result.mean_overlap == 1.0
    none = compare(demo_words, rotated, pairing, align(pairing, "none"), k=10)
    assert none.displacement.mean() > 0.5 and none.mean_overlap == 1.0


def test_residual_is_the_frobenius_norm_on_unit_rows(en_it):
    a, b = en_it
    pairing = pair_sets(a, b, PAIRS)
    result = compare(a, b, pairing, align(pairing, "procrustes"))
    x = a.unit_vectors()[pairing.rows_a].astype(np.float64)
    y = b.unit_vectors()[pairing.rows_b].astype(np.float64)
    w, _ = orthogonal_procrustes(x, y)
    assert result.residual == pytest.approx(np.linalg.norm(x @ w - y), rel=1e-4)


# overlap, displacement, CKA written out ----------------------------------------------------------
def _brute_overlap(x, y, k):
    def knn(m, i):
        u = m / np.linalg.norm(m, axis=1, keepdims=True)
        sims = [(float(u[i] @ u[j]), j) for j in range(len(m)) if j != i]
        return {j for _, j in sorted(sims, reverse=True)[:k]}

    return np.array([len(knn(x, i) & knn(y, i)) / k for i in range(len(x))])


def test_overlap_and_displacement_equal_a_direct_computation(demo_words):
    demo_words = EmbeddingSet(demo_words.labels[:250], demo_words.vectors[:250])
    rng = np.random.default_rng(5)
    noisy_vectors = demo_words.vectors + rng.normal(0, 0.04, demo_words.vectors.shape)
    order = rng.permutation(len(demo_words))  # B holds the words in another order
    noisy = EmbeddingSet(
        [demo_words.labels[i] for i in order], noisy_vectors[order].astype(np.float32)
    )
    pairing = pair_sets(demo_words, noisy)
    alignment = align(pairing, "procrustes")
    result = compare(demo_words, noisy, pairing, alignment, k=7)
    x = demo_words.vectors.astype(np.float64)
    y = noisy_vectors.astype(np.float64)
    np.testing.assert_allclose(result.neighbor_overlap, _brute_overlap(x, y, 7))
    assert 0.2 < result.mean_overlap < 0.99
    ux = x / np.linalg.norm(x, axis=1, keepdims=True)
    uy = y / np.linalg.norm(y, axis=1, keepdims=True)
    w, _ = orthogonal_procrustes(ux, uy)
    mapped = ux @ w
    cos = np.sum(mapped * uy, axis=1) / np.linalg.norm(mapped, axis=1)
    np.testing.assert_allclose(result.displacement, 1 - cos, atol=1e-5)
    moved = result.moved_most(3)
    assert moved[0][1] == pytest.approx(result.displacement.max())
    assert result.stable(1)[0][1] == pytest.approx(result.displacement.min())
    by_overlap = result.moved_most(5, by="neighbor_overlap")
    assert by_overlap[0][1] == result.neighbor_overlap.min()
    assert result.stable(1, by="neighbor_overlap")[0][1] == result.neighbor_overlap.max()
    with pytest.raises(EmbvizError, match="Unknown measure"):
        result.moved_most(3, by="length")
    columns = result.columns("b")
    assert columns["displacement"][noisy.index_of(moved[0][0])] == pytest.approx(moved[0][1])


def test_linear_cka_equals_the_hsic_formula(en_it):
    a, b = en_it
    pairing = pair_sets(a, b, PAIRS)
    result = compare(a, b, pairing, align(pairing, "none"))
    x = a.vectors[pairing.rows_a].astype(np.float64)
    y = b.vectors[pairing.rows_b].astype(np.float64)
    n = len(x)
    h = np.eye(n) - 1.0 / n

    def hsic(k, other):
        return np.trace(k @ h @ other @ h) / (n - 1) ** 2

    k_, l_ = x @ x.T, y @ y.T
    want = hsic(k_, l_) / np.sqrt(hsic(k_, k_) * hsic(l_, l_))
    assert result.cka == pytest.approx(want, rel=1e-9)


def test_different_dimensions_say_what_was_done(demo_words):
    rng = np.random.default_rng(0)
    small = EmbeddingSet(list(demo_words.labels), demo_words.vectors @ rng.normal(size=(384, 50)))
    pairing = pair_sets(demo_words, small)
    pca = align(pairing, "procrustes")
    assert pca.dims_policy == "pca" and "PCA" in pca.note and pca.matrix.shape == (50, 50)
    linear = align(pairing, "procrustes", dims_policy="linear")
    assert linear.method == "linear" and linear.requested == "procrustes"
    assert "linear map was used" in linear.note and linear.matrix.shape == (384, 50)
    with pytest.raises(EmbvizError, match="384 dimensions"):
        align(pairing, "none")


def test_compare_task_reports_progress_and_stops_when_closed(demo_words, monkeypatch):
    import embviz.core.compare.metrics as metrics
    from embviz.core.compare import compare_task, prepare_csls_task
    from embviz.core.tasks import run_task

    monkeypatch.setattr(metrics, "BLOCK_VALUES", 800 * 50)  # blocks of 50 rows
    rotated, _ = _rotated(demo_words)
    seen = []
    result = run_task(compare_task(demo_words, rotated, k=5), seen.append)
    assert result.mean_overlap == 1.0
    fractions = [p.fraction for p in seen if p.fraction is not None]
    assert len(fractions) > 20 and fractions == sorted(fractions) and fractions[-1] <= 1
    assert any(demo_words.name in p.message for p in seen)
    task = compare_task(demo_words, rotated, k=5)
    for _ in range(5):
        next(task)
    task.close()  # what Cancel does: the generator ends at its next yield
    r_b = run_task(prepare_csls_task(result, csls_k=4))
    assert r_b.shape == (len(rotated),)
    assert result.alignment.cache["csls_r_targets_4"] is r_b  # kept for translations


def test_polysemy_layers_become_a_sequence():
    from embviz.core.compare.sequence import sequence_from_layers

    vectors = np.random.default_rng(0).normal(size=(12, 3, 8))  # occurrences x layers x dims
    sequence = sequence_from_layers(vectors, [f"occ {i}" for i in range(12)], [0, 6, 12])
    assert sequence.names == ["layer 0", "layer 6", "layer 12"]
    np.testing.assert_array_equal(sequence.sets[1].vectors, vectors[:, 1].astype(np.float32))
    assert sequence.relations == [{i: i for i in range(12)}] * 2


def test_rows_with_nan_are_left_out_and_counted(demo_words):
    vectors = demo_words.vectors.copy()
    vectors[[3, 7]] = np.nan
    broken = EmbeddingSet(list(demo_words.labels), vectors)
    pairing = pair_sets(demo_words, broken)
    assert len(pairing) == len(demo_words) - 2 and pairing.non_finite == 2
    assert "2 pairs left out (NaN" in pairing.describe()
    result = compare(demo_words, broken, pairing, k=5)
    assert np.isfinite(result.displacement).all() and np.isfinite(result.cka)


def test_centering_is_renorm_center_renorm_before_procrustes(en_it):
    a, b = en_it
    pairing = pair_sets(a, b, PAIRS)
    alignment = align(pairing, "procrustes", center=True)
    assert alignment.centered and alignment.note.startswith("centred")

    def prepared(eset, rows):
        u = eset.vectors / np.linalg.norm(eset.vectors, axis=1, keepdims=True)
        c = u - u.mean(axis=0)  # the mean of ALL the set's unit rows, not only the paired ones
        c = c / np.linalg.norm(c, axis=1, keepdims=True)
        return c[rows].astype(np.float64)

    x, y = prepared(a, pairing.rows_a), prepared(b, pairing.rows_b)
    w, _ = orthogonal_procrustes(x, y)
    # 20 pairs in 300 dims: W is not unique, what it does to the paired rows is
    np.testing.assert_allclose(x @ alignment.matrix, x @ w, atol=1e-5)
    result = compare(a, b, pairing, alignment)
    assert result.residual == pytest.approx(np.linalg.norm(x @ w - y), rel=1e-4)
    mapped = x @ w
    cos = np.sum(mapped * y, axis=1) / np.linalg.norm(mapped, axis=1) / np.linalg.norm(y, axis=1)
    np.testing.assert_allclose(result.displacement, np.clip(1 - cos, 0, 2), atol=1e-5)
    assert align(pairing, "linear").centered is False
