"""gensim's own files: pickled KeyedVectors (``.kv``) and models (``.model``), and fastText's
native ``.bin`` (read by gensim's loader).

A pickle runs code from the file when it is loaded, so these are read only with ``trust=True``:
the GUI asks the person first, the CLI needs ``--trust``. Large arrays saved beside the pickle
(``x.kv.vectors.npy``) are memory-mapped. The KeyedVectors are kept on the set
(``eset.model``) so that a fastText model can give vectors for out-of-vocabulary words.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.dataset import EmbeddingSet, Source
from embviz.core.errors import LoadError, TrustRequired
from embviz.core.tasks import Progress, Task
from embviz.io.textparse import drop_duplicates

FASTTEXT_MAGIC = struct.pack("<i", 793712314)
TRUST_HINT = (
    "Load it only if you trust where it came from: pass --trust (CLI) or trust=True "
    "(embviz.load), or answer Yes when the window asks."
)


def _keyed_vectors(obj: Any) -> Any:
    return getattr(obj, "wv", obj)


def _from_keyed_vectors(path: Path, kv: Any, fmt: str, limit: int | None) -> EmbeddingSet:
    labels = [str(k) for k in kv.index_to_key]
    vectors = kv.vectors
    if vectors is None or len(labels) != vectors.shape[0]:
        raise LoadError(path, "the model holds no word vectors.", hint="Train or load one first.")
    if limit:
        labels, vectors = labels[:limit], vectors[:limit]
    on_disk = str(vectors.dtype)
    if vectors.dtype != np.float32:
        vectors = vectors.astype(np.float32)
    warnings: list[str] = []
    labels, vectors = drop_duplicates(labels, vectors, warnings)
    eset = EmbeddingSet(labels, vectors, source=Source(str(path), fmt, on_disk, warnings))
    eset.model = kv  # out-of-vocabulary lookups later
    return eset


class GensimPickleFormat:
    name = "gensim"
    title = "gensim KeyedVectors / model (.kv, .model; a pickle)"
    extensions = (".kv", ".model", ".wv")

    def sniff(self, path: Path, head: bytes) -> float:
        if head[:1] == b"\x80" and head[1:2] in b"\x02\x03\x04\x05" and b"gensim" in head[:4096]:
            return 0.9
        return 0.0

    def read(self, path: Path, **options: Any) -> Task[EmbeddingSet]:
        path = Path(path)
        if not options.get("trust"):
            raise TrustRequired(
                path,
                "this is a gensim pickle; loading it runs code stored in the file.",
                hint=TRUST_HINT,
            )
        yield Progress(None, f"Loading {path.name} with gensim")
        from gensim.utils import SaveLoad

        try:
            obj = SaveLoad.load(str(path), mmap="r")
        except Exception as exc:  # unpickling can fail in many ways
            raise LoadError(
                path,
                f"gensim could not load it ({type(exc).__name__}: {exc}).",
                hint="Check that the files gensim saved beside it (*.npy) are there too.",
            ) from None
        kv = _keyed_vectors(obj)
        if not hasattr(kv, "index_to_key"):
            raise LoadError(
                path,
                f"holds a gensim {type(obj).__name__}, not word vectors.",
                hint="Open a KeyedVectors (.kv) or a Word2Vec/FastText model.",
            )
        return _from_keyed_vectors(path, kv, self.name, options.get("limit"))


class FastTextBinFormat:
    name = "fasttext-bin"
    title = "fastText native model (.bin)"
    extensions = (".bin",)

    def sniff(self, path: Path, head: bytes) -> float:
        if head.startswith(FASTTEXT_MAGIC):
            return 0.97
        if len(head) < 48:
            return 0.0
        # fastText before its magic number: 12 int32 arguments, then a double
        dim, ws, epoch, min_count, neg, ngrams, loss, model, bucket, minn, maxn, lr_update = (
            struct.unpack("<12i", head[:48])
        )
        plausible = (
            0 < dim <= 10000
            and 0 < ws <= 1000
            and 0 < epoch <= 10000
            and 1 <= loss <= 4
            and 1 <= model <= 3
            and 0 <= minn <= maxn <= 100
            and 0 <= bucket
            and 0 < ngrams <= 100
            and min_count >= 0
            and neg >= 0
            and lr_update > 0
        )
        return 0.6 if plausible else 0.0

    def read(self, path: Path, **options: Any) -> Task[EmbeddingSet]:
        path = Path(path)
        yield Progress(None, f"Loading {path.name} with gensim's fastText loader")
        from gensim.models.fasttext import load_facebook_vectors

        try:
            kv = load_facebook_vectors(str(path), encoding=options.get("encoding") or "utf-8")
        except Exception as exc:  # a damaged file fails in many ways inside gensim
            raise LoadError(
                path,
                f"not a readable fastText model ({type(exc).__name__}: {exc}).",
                hint="The file may be cut short or from an unsupported fastText version.",
            ) from None
        return _from_keyed_vectors(path, kv, self.name, options.get("limit"))
