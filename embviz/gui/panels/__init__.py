"""Dock panels, one per file."""
