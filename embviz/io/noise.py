"""What a library logs or warns while it reads a file becomes a few sentences in the set's
warnings, said once; nothing reaches stderr.

gensim, for example, logs one ERROR line per word it cannot decode (70 lines for a fastText model
with a cp852 vocabulary) and then the file "loads fine": the person should hear that once, with
what to do, among the set's warnings.
"""

from __future__ import annotations

import logging
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

SHOWN_PER_KIND = 1


class _Capture(logging.Handler):
    """Keeps the records logged by one thread; others go on to the root logger as before."""

    def __init__(self) -> None:
        super().__init__()
        self.thread = threading.get_ident()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            if record.levelno >= logging.WARNING:  # below: progress chatter, dropped
                self.records.append(record)
        else:
            logging.getLogger().handle(record)


def _sentences(library: str, records: list[logging.LogRecord], caught: list[str]) -> list[str]:
    by_kind: dict[str, list[str]] = {}
    for record in records:
        try:
            text = record.getMessage()
        except Exception:  # a malformed log call must not break loading
            text = str(record.msg)
        by_kind.setdefault(str(record.msg), []).append(text)
    notes = []
    for template, texts in by_kind.items():
        if "decode" in template and "unicode" in template:
            notes.append(
                f"{library}: {len(texts)} word(s) in the file are not valid in the encoding used; "
                "their bad bytes were replaced. If words look wrong, open the file again with "
                "--encoding (e.g. --encoding latin-1 or --encoding cp852)."
            )
            continue
        first = texts[0] if len(texts[0]) <= 300 else texts[0][:297] + "..."
        times = f" ({len(texts)} times)" if len(texts) > 1 else ""
        notes.append(f"{library} reported while reading{times}: {first}")
    for text in dict.fromkeys(caught):
        notes.append(f"{library} warned while reading: {text}")
    return notes


@contextmanager
def library_noise(notes: list[str], library: str) -> Iterator[None]:
    """Capture ``library``'s WARNING+ log records and Python warnings raised in the block; add
    them to ``notes`` as sentences (also when the block fails, so the error can be explained)."""
    logger = logging.getLogger(library)
    handler = _Capture()
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        finally:
            logger.removeHandler(handler)
            logger.propagate = propagate
            texts = [str(w.message) for w in caught]
            notes.extend(_sentences(library, handler.records, texts))
