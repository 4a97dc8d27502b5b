"""Adapter parameters: the project's one params system (:mod:`embviz.core.params`), re-exported
here for the adapters and ``embviz train``; ``add_arguments``/``from_arguments`` make one CLI flag
per visible field.

    epochs: int = param(5, "passes over the corpus", low=1, high=1000)
"""

from __future__ import annotations

from embviz.core.params import (
    ParamSpec,
    add_arguments,
    as_dict,
    check,
    from_arguments,
    make_params,
    param,
    specs,
)

__all__ = [
    "ParamSpec",
    "add_arguments",
    "as_dict",
    "check",
    "from_arguments",
    "make_params",
    "param",
    "specs",
]
