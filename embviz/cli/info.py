"""`embviz info PATH [--json]`: what a file holds, read exactly as `embviz` would open it, and the
rules its reader follows; `embviz info --contract` prints the rules of every reader."""

from __future__ import annotations

import argparse
import json
from typing import Any

from embviz.cli.read_options import add_read_options
from embviz.core.errors import EmbvizError
from embviz.io.contract import TOPICS, contract_text, rules_for
from embviz.io.registry import load


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "info", help="format, rows, dims, dtype, metadata, warnings and reading rules of a file"
    )
    p.add_argument("path", nargs="?", help="embedding file")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument(
        "--contract",
        action="store_true",
        help="print what every reader does with non-finite values, empty data, duplicate labels, "
        "encodings, compression, partial files and pickles, and the exit codes",
    )
    add_read_options(p)
    p.set_defaults(func=run)


def describe(
    path: str,
    fmt: str | None = None,
    encoding: str = "utf-8",
    limit: int | None = None,
    trust: bool = False,
) -> dict[str, Any]:
    from embviz.io.metadata import column_kind

    eset = load(path, format=fmt, encoding=encoding, limit=limit, trust=trust)
    src = eset.source
    return {
        "path": path,
        "format": src.format,
        "rows": len(eset),
        "dims": eset.dims,
        "dtype": str(eset.vectors.dtype) if eset.vectors_loaded else "float32",  # lazy: unread
        "dtype_on_disk": src.dtype_on_disk,
        "metadata": [
            {"name": k, "dtype": str(v.dtype), "kind": column_kind(v)}
            for k, v in eset.metadata.items()
        ],
        "warnings": list(src.warnings),
        "rules": rules_for(src.format or ""),
    }


def run(args: argparse.Namespace) -> int:
    if args.contract and not args.path:
        print(contract_text())
        return 0
    if not args.path:
        raise EmbvizError("embviz info: give a FILE to describe, or --contract for the rules.")
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
    if not args.contract:
        lines.append(f"rules:     how the {info['format']} reader treats bad input: add --contract")
    else:
        lines.append(f"rules ({info['format']}; all readers: embviz info --contract):")
        lines += [f"  {topic}: {info['rules'][topic]}" for topic in TOPICS]
    print("\n".join(lines))
    return 0
