"""Reading and writing embedding files (no Qt)."""

from embviz.io.registry import formats, load, load_task, sniff

__all__ = ["formats", "load", "load_task", "sniff"]
