"""Errors a person can act on.

Every failure that reaches a person carries: which file, where in it (line or row), what is wrong
and what to do. The GUI shows ``str(error)``; the CLI prints it on one line; neither shows a
traceback for these.
"""

from __future__ import annotations

from pathlib import Path


class EmbvizError(Exception):
    """Base class for errors whose message is meant for a person."""


class Cancelled(EmbvizError):  # noqa: N818 - reads better at the raise site
    """Raised when a person cancels long work; the previous state is kept."""

    def __init__(self, what: str = "the operation") -> None:
        super().__init__(f"Cancelled {what}.")


class LoadError(EmbvizError):
    """A file that cannot be read as embeddings."""

    def __init__(
        self,
        path: str | Path,
        problem: str,
        *,
        line: int | None = None,
        row: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.path = str(path)
        self.problem = problem
        self.line = line
        self.row = row
        self.hint = hint
        super().__init__(self._compose())

    def _compose(self) -> str:
        where = self.path
        if self.line is not None:
            where += f", line {self.line}"
        elif self.row is not None:
            where += f", row {self.row}"
        text = f"{where}: {self.problem}"
        if self.hint:
            text += f" {self.hint}"
        return text


class UnknownFormatError(LoadError):
    """No registered format recognises the file."""


class TrustRequired(LoadError):
    """The file is a pickle (gensim .kv/.model): loading it runs code from the file.

    The GUI asks the person and retries with ``trust=True``; the CLI needs ``--trust``.
    """
