"""Dock panels and menu actions, one module each (see embviz.gui.panel_registry)."""
