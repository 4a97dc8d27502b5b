"""Entry script for the PyInstaller builds: the same `embviz` command, frozen."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # reducers run some work in child processes
    from embviz.cli import main

    sys.exit(main())
