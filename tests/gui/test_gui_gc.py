"""Cyclic garbage is collected in the GUI thread, never in a worker's: Qt objects in such garbage
cannot be destroyed in another thread (a CI run crashed so, "Garbage-collecting" in a worker)."""

from __future__ import annotations

import gc
import threading


def test_garbage_made_in_a_worker_is_collected_in_the_gui_thread(window, qtbot):
    assert not gc.isenabled()  # the window switched automatic collection off
    collected_in: list[str] = []

    class Cycle:
        def __init__(self) -> None:
            self.me = self  # reclaimed only by the cyclic collector

        def __del__(self) -> None:
            collected_in.append(threading.current_thread().name)

    def work() -> None:
        for _ in range(5000):  # garbage enough to pass the first generation's threshold (700)
            Cycle()

    worker = threading.Thread(target=work, name="worker")
    worker.start()
    worker.join()
    assert collected_in == []  # nothing collected in the worker
    qtbot.waitUntil(lambda: len(collected_in) == 5000, timeout=5000)
    assert set(collected_in) == {threading.main_thread().name}
