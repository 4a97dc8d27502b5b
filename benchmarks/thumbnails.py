"""Image thumbnails on the 2-D map: frame time while panning a map of 10,000 images.

Three maps of the same 10,000 points and view changes, in one process: embviz's map with its
thumbnail layer (one item, level of detail, pixmap cache), the same map without thumbnails, and
the per-item approach of plain pyqtgraph (one ImageItem per image, 10,000 scene items, each
scaled to the size embviz draws at the start). The images are scikit-learn's 1,797 real digits
repeated to 10,000 rows, read from a projector sprite sheet as embviz reads one. Two views: the
whole map with every thumbnail allowed (`show_below` raised past 10,000: one per screen cell),
and zoomed in 10x (the default level of detail: thumbnails once at most 3,000 points are in
view). A frame: move the view, then process events until
the view is painted.

With --files, also the same images as 10,000 PNG files read while panning (each frame makes new
thumbnails for a few milliseconds at most, then asks for the next).

    python benchmarks/thumbnails.py [--rows 10000] [--frames 40] [--files]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.render2d import PaintCounter  # noqa: E402


def pan(widget, vb, n: int, app, step: float) -> list[float]:
    """Pan ``n`` frames around a circle (new thumbnails come into view); seconds per frame."""
    counter = PaintCounter()
    widget.viewport().installEventFilter(counter)
    times = []
    for i in range(n):
        angle = 2 * np.pi * i / max(n, 1)
        start = time.perf_counter()
        before = counter.paints
        vb.translateBy(x=step * np.cos(angle), y=step * np.sin(angle))
        for _ in range(200):
            app.processEvents()
            if counter.paints > before:
                break
        times.append(time.perf_counter() - start)
    widget.viewport().removeEventFilter(counter)
    return times


def sprite_source(rows: int, folder: Path):
    from sklearn.datasets import load_digits

    from embviz.io.images_sprite import SpriteImages, write_sprite

    digits = np.round(load_digits().images * (255 / 16)).astype(np.uint8)
    images = digits[np.arange(rows) % len(digits)]
    w, h = write_sprite(images, folder / "sprite.png")
    source = SpriteImages(folder / "sprite.png", (w, h), rows)
    source.pixels()  # read before the frames, as the window does in a worker when a set opens
    return source, images


def show(widget, app) -> None:
    widget.resize(1100, 800)
    widget.show()
    for _ in range(5):
        app.processEvents()


def measure(rows: int, frames: int, app, folder: Path, files: bool) -> None:
    import pyqtgraph as pg

    from embviz.gui.views.scatter2d import ScatterView
    from embviz.gui.views.thumbnail_layer import ThumbnailItem

    rng = np.random.default_rng(0)
    coords = rng.normal(size=(rows, 2)).astype(np.float32)
    labels = [f"img{i}" for i in range(rows)]
    source, images = sprite_source(rows, folder)
    results: dict[str, dict[str, list[float]]] = {}

    def embviz_map(thumbnails: bool, zoom: float, show_below: int) -> list[float]:
        view = ScatterView()
        view.set_points(coords, labels)
        item = None
        if thumbnails:
            item = ThumbnailItem()
            item.show_below = show_below
            item.setZValue(20)
            view.addItem(item, ignoreBounds=True)
            item.set_images(coords, source)
        show(view, app)
        vb = view.plotItem.vb
        if zoom != 1:
            vb.scaleBy((1 / zoom, 1 / zoom))
        pan(view, vb, 3, app, 0.0)  # settle
        paints: list[float] = []
        if item is not None:
            paint = item.paint

            def timed(*args):
                paint(*args)
                paints.append(item.last_paint_ms)

            item.paint = timed
        times = pan(view, vb, frames, app, 0.04 / zoom)
        if item is not None:
            print(
                f"    thumbnails drawn in the last frame: {len(item.drawn_rows)}; the thumbnail "
                f"layer's own paint: median {statistics.median(paints):.1f} ms, worst "
                f"{max(paints):.1f} ms",
                flush=True,
            )
        view.close()
        return times

    def pyqtgraph_items(zoom: float) -> list[float]:
        widget = pg.PlotWidget()
        widget.setAspectLocked(True)
        widget.addItem(pg.ScatterPlotItem(x=coords[:, 0], y=coords[:, 1], size=5, pen=None))
        widget.plotItem.vb.setRange(xRange=(-4, 4), yRange=(-4, 4))
        show(widget, app)
        px = widget.plotItem.vb.viewPixelSize()[0]  # 40 px thumbnails at the start
        side = 40 * px
        for (x, y), image in zip(coords, images, strict=True):
            item = pg.ImageItem(image.T)  # pyqtgraph's images are column-major
            item.setRect(float(x) - side / 2, float(y) - side / 2, side, side)
            widget.addItem(item)
        vb = widget.plotItem.vb
        if zoom != 1:
            vb.scaleBy((1 / zoom, 1 / zoom))
        pan(widget, vb, 2, app, 0.0)
        times = pan(widget, vb, max(5, frames // 4), app, 0.04 / zoom)
        widget.close()
        return times

    if files:  # the same images as 10,000 PNG files (64 x 64), read while panning
        from PIL import Image

        from embviz.io.images import PathImages

        paths = []
        for i, image in enumerate(images):
            path = folder / f"img{i:05d}.png"
            Image.fromarray(np.kron(image, np.ones((8, 8), np.uint8))).save(path)
            paths.append(path)
        file_source = PathImages(paths)
        print(f"{rows:,} PNG files, zoomed in 10x, thumbnails read while panning:", flush=True)
        kept = source
        source = file_source
        times = embviz_map(True, 10.0, 3000)
        source = kept
        med = statistics.median(times)
        print(f"  embviz thumbnails from files     median {med * 1000:7.1f} ms ({1 / med:5.1f} fps), "
              f"worst {max(times) * 1000:7.1f} ms", flush=True)  # fmt: skip
    for name, zoom, show_below in (("whole map", 1.0, rows + 1), ("zoomed in 10x", 10.0, 3000)):
        print(f"{rows:,} images, {name}:", flush=True)
        results[name] = {
            "embviz thumbnails": embviz_map(True, zoom, show_below),
            "embviz, no thumbnails": embviz_map(False, zoom, show_below),
            "pyqtgraph ImageItem per image": pyqtgraph_items(zoom),
        }
        ours = statistics.median(results[name]["embviz thumbnails"])
        for peer, times in results[name].items():
            med = statistics.median(times)
            print(
                f"  {peer:<32} median {med * 1000:7.1f} ms ({1 / med:5.1f} fps), "
                f"worst {max(times) * 1000:7.1f} ms, ratio to embviz thumbnails {med / ours:5.2f}",
                flush=True,
            )
    print(f"load average {os.getloadavg()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--frames", type=int, default=40)
    parser.add_argument("--files", action="store_true", help="also: the images as PNG files")
    args = parser.parse_args()
    from embviz.gui.app import make_application

    app = make_application()
    print(f"load average {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        measure(args.rows, args.frames, app, Path(tmp), args.files)


if __name__ == "__main__":
    main()
