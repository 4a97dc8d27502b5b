"""Map views."""
