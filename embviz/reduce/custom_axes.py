"""Custom axes: x and y (and z) are the projections onto two (three) vector expressions, e.g.
``man - woman`` against ``king - queen``, as the Embedding Projector's "custom" view and Parallax
do. Expressions are read by :mod:`embviz.core.expressions` (the neighbours panel's syntax).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from embviz.core.errors import EmbvizError
from embviz.core.tasks import Progress, Task
from embviz.reduce.base import Projection
from embviz.reduce.params import as_dict, param

if TYPE_CHECKING:
    from embviz.core.dataset import EmbeddingSet


@dataclass
class CustomAxesParams:
    x_axis: str = param("man - woman", label="x axis", help="vector expression for x")
    y_axis: str = param("king - queen", label="y axis", help="vector expression for y")
    z_axis: str = param("", label="z axis", help="vector expression for z (3-D; '' = flat)")
    unit_vectors: bool = param(
        True, label="unit vectors", help="project unit-length vectors (cosine), not raw ones"
    )


def axis_vector(
    text: str, eset: EmbeddingSet, matrix: np.ndarray, unit_rows: bool = True
) -> np.ndarray:
    """The unit direction of an expression over the rows of ``matrix`` (unit vectors when
    ``unit_rows``); a word that is not a label may be composed from the set's fastText sub-words."""
    from embviz.core.composed import composed_vector
    from embviz.core.expressions import parse

    expression = parse(text, eset, compose=True)
    direction = np.zeros(matrix.shape[1], dtype=np.float64)
    for label, weight in expression.terms:
        if label in expression.composed:
            row = np.asarray(composed_vector(eset, label), dtype=np.float64)
            direction += weight * (row / np.linalg.norm(row) if unit_rows else row)
            continue
        direction += weight * matrix[eset.index_of(label)]
    norm = np.linalg.norm(direction)
    if norm == 0:
        raise EmbvizError(f"custom axes: {text!r} is the zero vector; it gives no direction.")
    unit: np.ndarray = direction / norm
    return unit


class CustomAxesReducer:
    name = "custom"
    title = "Custom axes"
    params_type = CustomAxesParams
    uses_set = True  # run() needs eset= (expressions name labels)

    def run(
        self,
        vectors: np.ndarray,
        params: CustomAxesParams | None = None,
        dims: int = 2,
        eset: EmbeddingSet | None = None,
    ) -> Task[Projection]:
        p = params or CustomAxesParams()
        if eset is None:
            raise EmbvizError("custom axes need the set's labels (run it on an EmbeddingSet).")
        matrix = eset.unit_vectors() if p.unit_vectors else np.asarray(vectors, np.float32)
        texts = [p.x_axis, p.y_axis, p.z_axis][:dims]
        yield Progress(0.1, "custom axes: reading the expressions")
        columns = []
        for axis, text in zip("xyz", texts, strict=False):
            if not text.strip():
                if axis != "z":
                    raise EmbvizError(
                        f"custom axes: type an expression for {axis}, e.g. man - woman."
                    )
                columns.append(np.zeros(len(matrix), dtype=np.float32))
                continue
            direction = axis_vector(text, eset, matrix, p.unit_vectors).astype(np.float32)
            columns.append(matrix @ direction)
        coords = np.stack(columns, axis=1).astype(np.float32)
        yield Progress(1.0, "custom axes: done")
        titles = [t.strip() or "(flat)" for t in texts]
        return Projection(coords, self.name, as_dict(p), {"axis_titles": titles})
