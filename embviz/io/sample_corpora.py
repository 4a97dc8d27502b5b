"""Real labelled corpora from gensim's test data, as document tables for tests and demos.

- ``pang-lee``: ``pang_lee_polarity.cor``, 200 movie-review sentences, each line starting with
  ``__label__pos`` or ``__label__neg`` (columns: text, label).
- ``newsgroups``: ``mini_newsgroup``, 200 Usenet posts from alt.atheism and sci.space; a
  zlib-compressed Python 2 pickle of a scikit-learn ``Bunch``. It is read with an unpickler that
  knows only the handful of harmless classes such a file holds (the Bunch becomes a plain dict;
  numpy arrays are rebuilt as numpy rebuilds them) and refuses anything else, so no code from the
  file can run (columns: text, subject, author, date, group).
- ``lee``: ``lee_background.cor``, 300 news articles, one per line (column: text).

:func:`write_sample_table` writes one of them as CSV, TSV, JSON Lines or Parquet.
"""

from __future__ import annotations

import copyreg
import csv
import io
import json
import pickle
import zlib
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.errors import EmbvizError

CORPORA = ("pang-lee", "newsgroups", "lee")
Row = dict[str, str]


def _datapath(name: str) -> Path:
    try:
        from gensim.test.utils import datapath
    except ImportError as exc:  # pragma: no cover - gensim is a dependency
        raise EmbvizError("The sample corpora come with gensim: pip install gensim.") from exc
    return Path(datapath(name))


def _lines(path: Path) -> list[str]:
    """Lines as text: UTF-8, or Windows-1252 for a line that is not (these files mix both)."""
    result = []
    for raw in path.read_bytes().splitlines():
        try:
            result.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            result.append(raw.decode("cp1252", errors="replace"))
    return result


def pang_lee() -> list[Row]:
    rows = []
    for line in _lines(_datapath("pang_lee_polarity.cor")):
        label, _, text = line.partition(" ")
        if label.startswith("__label__") and text.strip():
            rows.append({"text": text.strip(), "label": label.removeprefix("__label__")})
    return rows


def lee_background() -> list[Row]:
    return [
        {"text": line.strip()} for line in _lines(_datapath("lee_background.cor")) if line.strip()
    ]


class _Bunch(dict[str, Any]):
    """What scikit-learn's Bunch is: a dict (its attributes are its keys)."""


_RECONSTRUCT = np.ndarray((0,)).__reduce__()[0]  # numpy's own array rebuilder
_ALLOWED: dict[tuple[str, str], Any] = {
    ("copy_reg", "_reconstructor"): copyreg._reconstructor,  # type: ignore[attr-defined]
    ("copyreg", "_reconstructor"): copyreg._reconstructor,  # type: ignore[attr-defined]
    ("__builtin__", "dict"): dict,
    ("builtins", "dict"): dict,
    ("__builtin__", "object"): object,
    ("builtins", "object"): object,
    ("sklearn.datasets.base", "Bunch"): _Bunch,
    ("sklearn.utils", "Bunch"): _Bunch,
    ("sklearn.utils._bunch", "Bunch"): _Bunch,
    ("numpy.core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy._core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
}


class _BunchUnpickler(pickle.Unpickler):
    """Builds only dicts, Bunches (as dicts) and numpy arrays; any other class is refused."""

    def find_class(self, module: str, name: str) -> Any:
        found = _ALLOWED.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(
                f"the file asks for {module}.{name}, which a data Bunch never holds; refused."
            )
        return found


def read_bunch(path: Path) -> dict[str, Any]:
    """A zlib-compressed pickle of a scikit-learn Bunch, as a dict, running no code from it."""
    data = zlib.decompress(path.read_bytes())
    loaded = _BunchUnpickler(io.BytesIO(data), encoding="latin1").load()
    if not isinstance(loaded, dict):
        raise EmbvizError(f"{path}: holds a {type(loaded).__name__}, not a Bunch.")
    return {**loaded, **vars(loaded)} if isinstance(loaded, _Bunch) else dict(loaded)


def _post(text: str) -> tuple[dict[str, str], str]:
    """(headers, body) of a Usenet post."""
    head, _, body = text.partition("\n\n")
    headers: dict[str, str] = {}
    for line in head.splitlines():
        name, colon, value = line.partition(":")
        if colon and name and not name.startswith((" ", "\t")):
            headers.setdefault(name.strip().lower(), value.strip())
    return headers, body.strip()


def _iso_date(value: str) -> str:
    try:
        return parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError, IndexError):
        return ""


def newsgroups() -> list[Row]:
    bunch = read_bunch(_datapath("mini_newsgroup"))
    names = [str(n) for n in bunch["target_names"]]
    rows = []
    for text, target in zip(bunch["data"], np.asarray(bunch["target"]).tolist(), strict=True):
        headers, body = _post(str(text))
        rows.append(
            {
                "text": body,
                "subject": headers.get("subject", ""),
                "author": headers.get("from", ""),
                "date": _iso_date(headers.get("date", "")),
                "group": names[int(target)],
            }
        )
    return rows


def sample_rows(name: str) -> list[Row]:
    loaders = {"pang-lee": pang_lee, "newsgroups": newsgroups, "lee": lee_background}
    if name not in loaders:
        raise EmbvizError(f"unknown sample corpus {name!r}; known: {', '.join(CORPORA)}.")
    return loaders[name]()


def write_sample_table(name: str, path: str | Path) -> Path:
    """Write sample corpus ``name`` as .csv, .tsv, .jsonl or .parquet (by the suffix)."""
    path = Path(path)
    rows = sample_rows(name)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(rows), path)
    elif suffix == ".jsonl":
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    elif suffix in (".csv", ".tsv"):
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, list(rows[0]), delimiter="," if suffix == ".csv" else "\t")
            writer.writeheader()
            writer.writerows(rows)
    else:
        raise EmbvizError(f"{path}: write .csv, .tsv, .jsonl or .parquet.")
    return path
