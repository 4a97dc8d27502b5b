"""One embviz per user: opening a file while embviz runs opens it in the running window.

The first instance listens on a local socket (a named pipe on Windows); a later one sends its
file paths there as JSON and exits. Stale sockets left by a crash are removed and re-created.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtNetwork import QLocalServer, QLocalSocket

CONNECT_TIMEOUT_MS = 500


def server_name() -> str:
    return f"embviz-{getpass.getuser()}"


def send_to_running(paths: list[str], name: str | None = None) -> bool:
    """Hand ``paths`` to a running embviz; False when none is running."""
    socket = QLocalSocket()
    socket.connectToServer(name or server_name())
    if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
        return False
    message = json.dumps({"open": [str(Path(p).resolve()) for p in paths]}).encode() + b"\n"
    socket.write(message)
    socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
    socket.disconnectFromServer()
    return True


class InstanceServer(QObject):
    """Listens for later instances and calls ``on_open(paths)`` with what they send."""

    def __init__(
        self,
        on_open: Callable[[list[str]], None],
        name: str | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.on_open = on_open
        self.name = name or server_name()
        self.server = QLocalServer(self)
        if not self.server.listen(self.name):
            QLocalServer.removeServer(self.name)  # left behind by a crashed instance
            self.server.listen(self.name)
        self.server.newConnection.connect(self._accept)

    def is_listening(self) -> bool:
        return self.server.isListening()

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            try:
                message = json.loads(bytes(socket.readLine().data()).decode())
                paths = [str(p) for p in message.get("open", [])]
            except (ValueError, AttributeError):
                continue  # not ours: ignore
            self.on_open(paths)
