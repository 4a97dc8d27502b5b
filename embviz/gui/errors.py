"""Tell a person what went wrong without a traceback in their face.

Errors meant for people (EmbvizError) are shown as they are. Anything else is a bug: a short
message says so, and the traceback sits in the box's details (copyable) and in the log.
"""

from __future__ import annotations

import traceback

from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from embviz.core.errors import EmbvizError


def message_for(exc: BaseException, context: str) -> tuple[str, str]:
    """(message, details) for ``exc`` raised while doing ``context``."""
    if isinstance(exc, EmbvizError):
        return str(exc), ""
    if isinstance(exc, MemoryError):
        return f"{context}: not enough memory. Close other sets or open a smaller file.", ""
    if isinstance(exc, OSError):
        return f"{context}: {exc.strerror or exc}.", ""
    details = "".join(traceback.format_exception(exc))
    text = (
        f"{context}: unexpected {type(exc).__name__}: {exc}. "
        "This is a bug in embviz; the details can be copied into a report."
    )
    return text, details


def show_error(parent: QWidget, title: str, exc: BaseException, context: str) -> QMessageBox:
    """A non-blocking error box (the window stays usable; tests can read it)."""
    text, details = message_for(exc, context)
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    if details:
        box.setDetailedText(details)
    box.setModal(False)
    box.open()
    return box


ERROR_COLOUR = "#c0392b"


def report_error(
    label: QLabel, parent: QWidget, title: str, exc: BaseException, context: str, prefix: str = ""
) -> QMessageBox | None:
    """A mistake the person can mend (an EmbvizError: a bad query, a missing word) is said in red
    in the panel's own line; anything else is a defect, shown in an error box with details."""
    if isinstance(exc, EmbvizError):
        label.setStyleSheet(f"color: {ERROR_COLOUR}")
        label.setText(f"{prefix}{exc}")
        return None
    return show_error(parent, title, exc, context)
