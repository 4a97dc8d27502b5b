"""File dialog filters shared by the window and the panels that open files."""

from __future__ import annotations

FILE_FILTER = (
    "Embedding files (*.bin *.vec *.txt *.gz *.bz2 *.npy *.npz *.w2v *.tsv *.csv *.parquet *.kv "
    "*.model *.json *.pbtxt *.bytes);;Partitioned atlas (_embviz.json);;All files (*)"
)
