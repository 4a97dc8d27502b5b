"""gensim's mini_newsgroup test corpus: 200 posts from alt.atheism and sci.space.

The file is a zlib-compressed Python 2 pickle of a scikit-learn ``Bunch``. It is read with an
unpickler that admits only the few classes such a pickle names (the Bunch becomes a dict), so the
test data cannot run code. Each post's header block (which names its newsgroup) is dropped: what is
left is what a person wrote.
"""

from __future__ import annotations

import copyreg
import io
import pickle
import zlib

import numpy as np

_ALLOWED = {
    ("sklearn.datasets.base", "Bunch"): dict,
    ("__builtin__", "dict"): dict,
    ("copy_reg", "_reconstructor"): copyreg._reconstructor,  # type: ignore[attr-defined]
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
}


class _BunchUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> object:
        if (module, name) == ("numpy.core.multiarray", "_reconstruct"):
            from numpy._core.multiarray import _reconstruct

            return _reconstruct
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"mini_newsgroup names {module}.{name}") from None


def load_mini_newsgroup() -> tuple[list[str], np.ndarray, list[str]]:
    """(bodies of the 200 posts, their group index, the two group names)."""
    from gensim.test.utils import datapath

    with open(datapath("mini_newsgroup"), "rb") as handle:
        raw = zlib.decompress(handle.read())
    bunch = _BunchUnpickler(io.BytesIO(raw), encoding="latin1").load()
    bodies = [post.split("\n\n", 1)[1] if "\n\n" in post else post for post in bunch["data"]]
    return bodies, np.asarray(bunch["target"], dtype=np.int64), list(bunch["target_names"])
