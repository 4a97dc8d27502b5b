"""Reducer parameters: the project's one params system (:mod:`embviz.core.params`), re-exported
here so a reducer module imports its field helper next to its neighbours.

    perplexity: float = param(30.0, low=2.0, high=200.0, help="effective number of neighbours")
"""

from __future__ import annotations

from embviz.core.params import (
    ParamSpec,
    as_dict,
    check,
    make_params,
    param,
    parse_assignments,
    specs,
)

__all__ = ["ParamSpec", "as_dict", "check", "make_params", "param", "parse_assignments", "specs"]
