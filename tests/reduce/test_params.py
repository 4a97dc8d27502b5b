import pytest

from embviz.core.errors import EmbvizError
from embviz.reduce import reducers
from embviz.reduce.params import make_params, parse_assignments, specs
from embviz.reduce.tsne import TSNEParams


def test_every_reducer_declares_bounded_parameters():
    for reducer in reducers:
        for spec in specs(reducer.params_type):
            assert spec.type in (int, float, str, bool), (reducer.name, spec.name)
            if spec.type in (int, float):
                assert spec.low is not None and spec.high is not None, (reducer.name, spec.name)


def test_values_are_parsed_and_checked():
    p = make_params(TSNEParams, parse_assignments(["perplexity=50", "metric=euclidean"]), "tsne")
    assert p.perplexity == 50.0 and p.metric == "euclidean"
    with pytest.raises(EmbvizError, match="out of range"):
        make_params(TSNEParams, {"perplexity": "0.5"}, "tsne")
    with pytest.raises(EmbvizError, match="not one of"):
        make_params(TSNEParams, {"metric": "manhattan"}, "tsne")
    with pytest.raises(EmbvizError, match="no parameter 'perplexty'"):
        make_params(TSNEParams, {"perplexty": "5"}, "tsne")
    with pytest.raises(EmbvizError, match="name=value"):
        parse_assignments(["perplexity"])


def test_importing_embviz_reduce_stays_light():
    import subprocess
    import sys

    code = (
        "import sys, embviz, embviz.reduce; embviz.reduce.reducers.names(); "
        "print([m for m in ('umap', 'openTSNE', 'sklearn', 'numba') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
