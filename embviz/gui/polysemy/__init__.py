"""The polysemy lab's widgets (the lab window and one column per target word)."""
