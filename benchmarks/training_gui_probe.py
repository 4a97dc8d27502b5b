"""How long the GUI thread is blocked while the Compute dialog trains Word2Vec, and when each
progress message is emitted (worker) vs shown (the dialog's label).

``QT_QPA_PLATFORM=offscreen python benchmarks/training_gui_probe.py [epochs] [--seconds S]``

The window runs inside an event loop's ``exec()``, as in the app and under qtbot.wait. A 5 ms
QTimer on the GUI thread records the gaps between its ticks: how long timers (debounces, qtbot's
wait, superqt's deferred worker start) could not run. The worker's yields are timed by wrapping
the training task; the dialog's handlers are timed in place. ``--sample`` samples the GUI
thread's Python stack every 20 ms from another thread and prints the commonest stacks.
``--busy N`` starts N busy-loop processes for the run (load like a full-suite run's).
``--profile`` profiles the GUI thread's CPU time (cProfile with ``time.thread_time``).
Prints the load average before and after.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import multiprocessing
import os
import sys
import tempfile
import threading
import time

from PySide6.QtCore import QEventLoop, QMetaObject, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication


def _spin(stop) -> None:
    while not stop.is_set():
        sum(range(10_000))


def _stack(frame, depth: int = 14) -> str:
    names: list[str] = []
    while frame is not None and len(names) < depth:
        code = frame.f_code
        names.append(f"{os.path.basename(code.co_filename)}:{code.co_name}:{frame.f_lineno}")
        frame = frame.f_back
    return " <- ".join(names)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("epochs", type=int, nargs="?", default=500)
    parser.add_argument("--seconds", type=float, default=25.0, help="probe this long at most")
    parser.add_argument("--sample", action="store_true", help="sample the GUI thread's stack")
    parser.add_argument("--busy", type=int, default=0, help="busy-loop processes meanwhile")
    parser.add_argument(
        "--profile", action="store_true", help="profile the GUI thread (its CPU time)"
    )
    args = parser.parse_args()

    from gensim.test.utils import datapath

    import embviz.models.gensim_train as gensim_train
    from embviz.gui.main_window import MainWindow

    emitted: list[tuple[float, str]] = []
    real_train = gensim_train.train

    def timed_train(*a, **k):  # records when the worker yields each message
        task = real_train(*a, **k)
        try:
            progress = next(task)
            while True:
                emitted.append((time.monotonic(), progress.message))
                sent = yield progress
                progress = task.send(sent)
        except StopIteration as stop:
            return stop.value
        finally:
            task.close()  # a cancelled run stops the training thread

    gensim_train.train = timed_train

    app = QApplication.instance() or QApplication(sys.argv)
    handler_times: dict[str, list[float]] = collections.defaultdict(list)
    handler_cpu: dict[str, list[float]] = collections.defaultdict(list)

    def timed(name, method):  # how long the GUI thread spends in one handler call
        def call(*a):
            t0, c0 = time.perf_counter(), time.thread_time()
            try:
                return method(*a)
            finally:
                handler_times[name].append(time.perf_counter() - t0)
                handler_cpu[name].append(time.thread_time() - c0)

        return call

    # the map's repaints, patched before the window is made (Qt then finds the override)
    from embviz.gui.views.scatter2d import ScatterView

    ScatterView.paintEvent = timed("ScatterView.paintEvent", ScatterView.paintEvent)

    settings = QSettings(os.path.join(tempfile.mkdtemp(), "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings)
    window.resize(1200, 800)
    window.show()
    app.processEvents()

    dialog = window.panels["compute"].open_dialog()
    dialog.adapter_box.setCurrentIndex(dialog.adapter_box.findData("gensim"))
    dialog.fields["corpus"][1].setText(datapath("lee_background.cor"))
    dialog.fields["epochs"][1].setValue(args.epochs)

    for obj, name in (
        (dialog, "_on_partial"),
        (dialog, "_on_progress"),
        (dialog, "_on_result"),
        (window.projector, "_on_result"),
        (window.projector, "_draw_pending"),
    ):
        label = f"{type(obj).__name__}.{name}"
        setattr(obj, name, timed(label, getattr(obj, name)))

    ticks: list[float] = []
    label_epoch: list[float] = []  # ticks at which the label shows an epoch message
    received: list[tuple[float, str]] = []
    probe = QTimer(interval=5)

    def tick() -> None:
        now = time.monotonic()
        ticks.append(now)
        if "epoch" in dialog.message.text().lower():
            label_epoch.append(now)

    probe.timeout.connect(tick)
    samples: collections.Counter[str] = collections.Counter()
    done = threading.Event()
    loop = QEventLoop()

    def watchdog(main_id: int) -> None:  # samples the GUI thread; ends the loop after --seconds
        end = time.monotonic() + args.seconds
        while not done.is_set() and time.monotonic() < end:
            if args.sample:
                frame = sys._current_frames().get(main_id)
                if frame is not None:
                    samples[_stack(frame)] += 1
            time.sleep(0.02)
        QMetaObject.invokeMethod(loop, "quit", Qt.ConnectionType.QueuedConnection)

    stop_spin = multiprocessing.Event()
    spinners = [multiprocessing.Process(target=_spin, args=(stop_spin,)) for _ in range(args.busy)]
    for p in spinners:
        p.start()
    load_before = os.getloadavg()
    start = time.monotonic()
    probe.start()
    dialog.run_button.click()
    dialog.handle.progressed.connect(lambda p: received.append((time.monotonic(), p.message)))

    def ended(_ok: bool) -> None:
        done.set()
        loop.quit()

    dialog.handle.ended.connect(ended)
    threading.Thread(target=watchdog, args=(threading.get_ident(),), daemon=True).start()
    cpu0 = time.thread_time()
    profile = None
    if args.profile:
        import cProfile

        profile = cProfile.Profile(time.thread_time)  # CPU time: the load does not blur it
        profile.enable()
    loop.exec()
    if profile is not None:
        profile.disable()
    elapsed = time.monotonic() - start
    gui_cpu = time.thread_time() - cpu0
    done.set()
    probe.stop()
    finished = not window.runner.is_busy("compute")
    dialog.cancel_button.click()
    window.cancel()
    load_after = os.getloadavg()
    stop_spin.set()
    for p in spinners:
        p.join()

    edges = [start, *ticks, start + elapsed]
    gaps = sorted((b - a for a, b in itertools.pairwise(edges)), reverse=True)
    epochs_emitted = [t for t, m in emitted if m.endswith("done")]
    epochs_received = [t for t, m in received if m.endswith("done")]
    print(
        f"load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f}; "
        f"busy processes: {args.busy}"
    )
    print(
        f"ran {elapsed:.1f} s, training finished: {finished}; epochs emitted "
        f"{len(epochs_emitted)}, reached the dialog {len(epochs_received)}"
    )
    print(f"GUI thread CPU time {gui_cpu:.1f} s of {elapsed:.1f} s wall")
    print(f"timer ticks: {len(ticks)}; largest gaps (ms): {[round(g * 1000) for g in gaps[:6]]}")
    print(f"time in gaps > 100 ms: {sum(g for g in gaps if g > 0.1):.1f} s of {elapsed:.1f} s")
    first_emit = next((t for t, m in emitted if "epoch" in m.lower()), None)
    first_recv = next((t for t, m in received if "epoch" in m.lower()), None)
    for name, t in (
        ("first epoch message emitted", first_emit),
        ("first epoch message reached the dialog", first_recv),
        ("label first seen showing an epoch", label_epoch[0] if label_epoch else None),
    ):
        print(f"{name}: {'never' if t is None else f'{t - start:.2f} s'}")
    print(f"ticks with an epoch on the label: {len(label_epoch)}")
    sent_at: dict[str, float] = {}
    for t, m in emitted:
        sent_at.setdefault(m, t)
    lags = sorted(t - sent_at[m] for t, m in received if m in sent_at)
    if lags:
        print(
            f"emit->dialog lag: median {lags[len(lags) // 2] * 1000:.0f} ms, "
            f"max {lags[-1] * 1000:.0f} ms"
        )
    periods = sorted(b - a for a, b in itertools.pairwise(epochs_emitted))
    if periods:
        print(f"worker epoch period: median {periods[len(periods) // 2] * 1000:.0f} ms")
    for name, times in handler_times.items():
        times.sort()
        cpu = sorted(handler_cpu[name])
        print(
            f"{name}: {len(times)} calls, median {times[len(times) // 2] * 1000:.1f} ms, "
            f"max {times[-1] * 1000:.0f} ms, total {sum(times):.1f} s; GUI thread CPU median "
            f"{cpu[len(cpu) // 2] * 1000:.1f} ms, 90% {cpu[int(len(cpu) * 0.9)] * 1000:.1f} ms, "
            f"max {cpu[-1] * 1000:.0f} ms"
        )
    if profile is not None:
        import pstats

        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
    for stack, n in samples.most_common(10):
        print(n, stack)


if __name__ == "__main__":
    main()
