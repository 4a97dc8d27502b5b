"""Image embeddings from vision and CLIP models through transformers (image and text towers)."""

from __future__ import annotations
