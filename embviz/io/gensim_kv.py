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
from embviz.io.compression import open_binary, read_head
from embviz.io.guards import pickle_protocol, reason
from embviz.io.noise import library_noise
from embviz.io.textparse import drop_duplicates, flag_nonfinite

FASTTEXT_MAGIC = struct.pack("<i", 793712314)
RAN_NOTE = "Code from the file already ran while it was loaded (you trusted it)."
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
    flag_nonfinite(labels, vectors, warnings)
    eset = EmbeddingSet(labels, vectors, source=Source(str(path), fmt, on_disk, warnings))
    eset.model = kv  # out-of-vocabulary lookups later
    return eset


class GensimPickleFormat:
    """Any Python pickle, recognised by its first opcode whatever its name; gensim's are loaded
    with gensim. Nothing is unpickled without ``trust`` for this very file."""

    name = "gensim"
    title = "gensim KeyedVectors / model (.kv, .model; a pickle)"
    extensions = (".kv", ".model", ".wv")

    def sniff(self, path: Path, head: bytes) -> float:
        if pickle_protocol(head) is None:
            return 0.0
        return 0.9 if b"gensim" in head[:4096] else 0.85

    def read(self, path: Path, **options: Any) -> Task[EmbeddingSet]:
        path = Path(path)
        gensim = b"gensim" in read_head(path, 4096)[0]
        if not options.get("trust"):
            what = "a gensim pickle" if gensim else "a Python pickle"
            raise TrustRequired(
                path,
                f"this file is {what}; loading it runs code stored in the file.",
                hint=TRUST_HINT,
            )
        yield Progress(None, f"Loading {path.name} with gensim")
        from gensim.utils import SaveLoad

        notes: list[str] = []
        try:
            with library_noise(notes, "gensim"):
                obj = SaveLoad.load(str(path), mmap="r") if gensim else _unpickle(path)
        except Exception as exc:  # unpickling can fail in many ways
            raise LoadError(
                path,
                f"it could not be loaded ({type(exc).__name__}: {reason(exc)}). {RAN_NOTE}",
                hint="Check that the files gensim saved beside it (*.npy) are there too.",
            ) from None
        if isinstance(obj, np.ndarray):
            return _from_array(path, obj, notes)
        kv = _keyed_vectors(obj)
        if not hasattr(kv, "index_to_key"):
            raise LoadError(
                path,
                f"holds a {type(obj).__module__}.{type(obj).__name__}, not word vectors. "
                f"{RAN_NOTE}",
                hint="Open a KeyedVectors (.kv), a Word2Vec/FastText model or a pickled 2-D array.",
            )
        eset = _from_keyed_vectors(path, kv, self.name, options.get("limit"))
        eset.source.warnings.extend(notes)
        return eset


def _unpickle(path: Path) -> Any:
    import pickle

    with open_binary(path) as f:
        return pickle.load(f)  # noqa: S301 - the person trusted this file


def _from_array(path: Path, array: np.ndarray, notes: list[str]) -> EmbeddingSet:
    try:
        vectors = np.asarray(array, dtype=np.float32)
    except (ValueError, TypeError):
        vectors = np.empty(0, dtype=np.float32)
    if vectors.ndim != 2:
        raise LoadError(
            path,
            f"holds a pickled array of shape {array.shape} and dtype {array.dtype}, not a 2-D "
            f"array of numbers. {RAN_NOTE}",
            hint="Save the vectors as a 2-D float array (numpy.save) and open that.",
        )
    labels = [str(i) for i in range(vectors.shape[0])]
    return EmbeddingSet(labels, vectors, source=Source(str(path), "gensim", "pickle", notes))


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

        from embviz.io.fasttext_check import check_fasttext

        check_fasttext(path)
        notes: list[str] = []
        try:
            with library_noise(notes, "gensim"):
                kv = load_facebook_vectors(str(path), encoding=options.get("encoding") or "utf-8")
        except Exception as exc:  # a damaged file fails in many ways inside gensim
            raise LoadError(
                path,
                f"not a readable fastText model ({type(exc).__name__}: {reason(exc)}).",
                hint="The file may be cut short or from an unsupported fastText version.",
            ) from None
        eset = _from_keyed_vectors(path, kv, self.name, options.get("limit"))
        eset.source.warnings[:0] = notes
        return eset
