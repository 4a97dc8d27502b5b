"""Reading text input (sentences, word lists) the same way in the CLI and the GUI."""

from __future__ import annotations

from pathlib import Path

from embviz.core.errors import EmbvizError


def read_lines(path: str | Path) -> list[str]:
    """The lines of a UTF-8 text file (BOM and line ends removed); clear errors when unreadable."""
    path = Path(path)
    if not path.is_file():
        raise EmbvizError(f"{path}: no such file. Give a text file with one sentence per line.")
    try:
        text = path.read_bytes().removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EmbvizError(f"{path}: byte {exc.start} is not UTF-8; save it as UTF-8.") from None
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise EmbvizError(f"{path}: the file has no text; give one sentence per line.")
    return lines
