"""`embviz render [PATH] -o OUT.png [--size WxH]`: the window, offscreen, saved as a picture."""

from __future__ import annotations

import argparse
from pathlib import Path


def parse_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not WIDTHxHEIGHT, e.g. 1600x1000") from None
    if not (64 <= width <= 16384 and 64 <= height <= 16384):
        raise argparse.ArgumentTypeError("width and height must be between 64 and 16384 pixels")
    return width, height


def add_parser(sub) -> None:
    p = sub.add_parser(
        "render", help="save a screenshot of the window on a file (or the demo), no display needed"
    )
    p.add_argument("path", nargs="?", help="embedding file (default: the built-in demo)")
    p.add_argument("-o", "--output", required=True, help="PNG file to write")
    p.add_argument("--size", type=parse_size, default=(1600, 1000), help="WIDTHxHEIGHT")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from embviz.cli.gui_launch import render

    render(args.path, Path(args.output), args.size)
    print(f"wrote {args.output}")
    return 0
