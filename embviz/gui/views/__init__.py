"""Map views: 2-D (numpy-rendered level of detail) and 3-D (OpenGL)."""
