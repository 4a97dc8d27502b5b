"""Give openTSNE's FFT gradient every core.

openTSNE's binary wheel evaluates its FFT-accelerated negative gradient with ``numpy.fft``
(pocketfft, one thread), looked up at call time through the module global ``np`` of
``openTSNE._matrix_mul.matrix_mul``. scipy.fft runs the same pocketfft algorithm on several
threads (``workers``). Late in a run this FFT is most of t-SNE's time; on 10,000 words here the
whole fit went from 46 s to 31 s with two workers (benchmarks/projections.py). Installed once, the
first time t-SNE runs; if openTSNE ever stops looking FFTs up this way, nothing changes.
"""

from __future__ import annotations

import functools
import os
import types
from typing import Any

_installed = False


class _NumpyWithThreadedFFT:
    """numpy, except that ``.fft`` is scipy.fft with worker threads."""

    def __init__(self, numpy_module: types.ModuleType, fft: types.SimpleNamespace) -> None:
        self._numpy = numpy_module
        self.fft = fft

    def __getattr__(self, name: str) -> Any:
        return getattr(self._numpy, name)


def install_threaded_fft() -> bool:
    """Route openTSNE's FFTs through scipy.fft with all cores; True when it is in place."""
    global _installed
    if _installed:
        return True
    try:
        import numpy
        import scipy.fft
        from openTSNE._matrix_mul import matrix_mul
    except ImportError:
        return False
    if getattr(matrix_mul, "np", None) is not numpy:
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    workers = max(1, int(cores or 1))
    fft = types.SimpleNamespace(
        **{
            name: functools.partial(getattr(scipy.fft, name), workers=workers)
            for name in ("rfft2", "irfft2", "fft", "ifft", "rfft", "irfft")
        }
    )
    matrix_mul.np = _NumpyWithThreadedFFT(numpy, fft)
    _installed = True
    return True
