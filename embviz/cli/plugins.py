"""`embviz plugins [--json]`: what can be read, projected and computed, and where it comes from."""

from __future__ import annotations

import argparse
import json
from importlib import metadata
from typing import Any

from embviz import __version__
from embviz.core.plugins import Registry


def add_parser(sub) -> None:
    p = sub.add_parser(
        "plugins", help="list formats, writers, reducers, model adapters and commands (and plugins)"
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=run)


KINDS = ("formats", "writers", "reducers", "adapters", "commands")


def collect() -> dict:
    from embviz.cli.commands import commands
    from embviz.io.export import writers
    from embviz.io.registry import formats
    from embviz.models.registry import adapters
    from embviz.reduce.registry import reducers

    try:
        installed = metadata.version("embviz")
    except metadata.PackageNotFoundError:  # a source checkout that was never installed
        installed = None
    report: dict[str, Any] = {"version": __version__, "package_metadata": installed}
    registries: tuple[Registry[Any], ...] = (formats, writers, reducers, adapters, commands)
    for key, registry in zip(KINDS, registries, strict=True):
        entries = [
            {
                "name": item.name,
                "title": getattr(item, "title", item.name),
                "origin": registry.origins.get(item.name, ""),
            }
            for item in registry
        ]
        report[key] = entries
        report[f"{key}_failures"] = dict(registry.failures)
    return report


def run(args: argparse.Namespace) -> int:
    report = collect()
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    meta = report["package_metadata"] or "not installed (running from a source checkout)"
    print(f"embviz {report['version']}; package metadata: {meta}")
    for key in KINDS:
        print(f"{key}:")
        for entry in report[key]:
            print(f"  {entry['name']:<20} {entry['title']}  [{entry['origin']}]")
        for name, why in report[f"{key}_failures"].items():
            print(f"  {name:<20} FAILED TO LOAD: {why}")
    return 0
