"""Attaching metadata by label or by row order; columns typed; the set itself left unchanged."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import LoadError
from embviz.io.metadata import attach_metadata, column_kind

SET = EmbeddingSet(["cat", "dog", "red"], np.eye(3, dtype=np.float32))


def test_by_label_in_any_order_with_missing_rows(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("word,pos,freq\nred,ADJ,3\ncat,NOUN,10\n")
    result = attach_metadata(SET, path)
    assert result.metadata["pos"].tolist() == ["NOUN", "", "ADJ"]
    freq = result.metadata["freq"]
    assert column_kind(freq) == "numeric" and freq[0] == 10 and np.isnan(freq[1])
    assert column_kind(result.metadata["pos"]) == "categorical"
    assert "1 row(s) of the set are not in m.csv" in result.warnings[0]
    assert SET.metadata == {} and SET.warnings == []  # the original is untouched


def test_by_row_order(tmp_path: Path) -> None:
    path = tmp_path / "m.tsv"
    path.write_text("group\tscore\na\t1\nb\t2\na\t3\n")
    result = attach_metadata(SET, path, by="row")
    assert result.metadata["group"].tolist() == ["a", "b", "a"]
    assert result.metadata["score"].tolist() == [1, 2, 3]


def test_row_count_mismatch(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("group\na\nb\n")
    with pytest.raises(LoadError) as info:
        attach_metadata(SET, path, by="row")
    assert "has 2 rows but the set has 3" in str(info.value) and str(path) in str(info.value)
    assert SET.metadata == {}


def test_by_label_without_a_label_column(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("group\nx\ny\nz\n")
    with pytest.raises(LoadError, match="no column holds the labels"):
        attach_metadata(SET, path, by="label")


def test_sidecar_beside_a_vec_file_is_attached(tmp_path: Path) -> None:
    import embviz

    (tmp_path / "v.vec").write_text("3 2\ncat 1 2\ndog 3 4\nred 5 6\n")
    (tmp_path / "v_metadata.tsv").write_text("word\tpos\nred\tADJ\ncat\tNOUN\ndog\tNOUN\n\n")
    eset = embviz.load(tmp_path / "v.vec")
    assert eset.metadata["pos"].tolist() == ["NOUN", "NOUN", "ADJ"]
    (tmp_path / "v_metadata.tsv").write_text("group\tscore\na\t1\nb\t2\n")
    eset = embviz.load(tmp_path / "v.vec")
    assert eset.metadata == {} and "v_metadata.tsv was not attached" in eset.warnings[0]
