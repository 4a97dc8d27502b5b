"""`embviz info PATH [--json]`: what a file holds, read exactly as `embviz` would open it."""

from __future__ import annotations

import argparse
import json

from embviz.cli.read_options import add_read_options
from embviz.io.registry import load


def add_parser(sub) -> None:
    p = sub.add_parser("info", help="format, rows, dims, dtype, metadata and warnings of a file")
    p.add_argument("path", help="embedding file")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_read_options(p)
    p.set_defaults(func=run)


def describe(
    path: str,
    fmt: str | None = None,
    encoding: str = "utf-8",
    limit: int | None = None,
    trust: bool = False,
) -> dict:
    from embviz.io.metadata import column_kind

    eset = load(path, format=fmt, encoding=encoding, limit=limit, trust=trust)
    src = eset.source
    return {
        "path": path,
        "format": src.format,
        "rows": len(eset),
        "dims": eset.dims,
        "dtype": str(eset.vectors.dtype),
        "dtype_on_disk": src.dtype_on_disk,
        "metadata": [
            {"name": k, "dtype": str(v.dtype), "kind": column_kind(v)}
            for k, v in eset.metadata.items()
        ],
        "warnings": list(src.warnings),
    }


def run(args: argparse.Namespace) -> int:
    info = describe(args.path, args.format, args.encoding, args.limit, args.trust)
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    meta = ", ".join(f"{m['name']} ({m['kind']})" for m in info["metadata"]) or "none"
    on_disk = f" (on disk: {info['dtype_on_disk']})" if info["dtype_on_disk"] else ""
    lines = [
        f"file:      {info['path']}",
        f"format:    {info['format']}",
        f"rows:      {info['rows']:,}",
        f"dims:      {info['dims']}",
        f"dtype:     {info['dtype']}{on_disk}",
        f"metadata:  {meta}",
        "warnings:  " + ("none" if not info["warnings"] else ""),
    ]
    lines += [f"  - {w}" for w in info["warnings"]]
    print("\n".join(lines))
    return 0
