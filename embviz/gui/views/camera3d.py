"""How far the 3-D camera stands back to frame a layout.

pyqtgraph's ``fov`` is the horizontal field of view; the vertical one is narrower by the
viewport's aspect (``projectionMatrix``: top = right * h / w). A distance of 1.3 times the
layout's diagonal framed its bounding sphere with room to spare in a square view, but in a wide
one (the map beside the docks, about 2:1) the sphere's top and bottom were cut off: 10 of the 300
documents of an atlas of gensim's lee_background corpus lay below the window after the camera was
framed. The distance now fits the sphere in the narrower of the two angles.
"""

from __future__ import annotations

import math

# room around the sphere, as a share of the narrower half-angle's reach
MARGIN = 1.08


def framing_distance(view, span: float, least: float) -> float:
    """The camera distance at which ``view`` (Scatter3DView: its viewport and horizontal field
    of view) shows a sphere of diameter ``span`` whole, at least ``least`` times ``span`` (the
    framing's own choice where the sphere would fit closer)."""
    _, _, width, height = view.gl_viewport()
    half = math.radians(view.opts["fov"]) / 2
    vertical = math.atan(math.tan(half) * max(height, 1) / max(width, 1))
    narrow = min(half, vertical)
    return max(least * span, MARGIN * (span / 2) / math.sin(narrow)) + 1e-6
