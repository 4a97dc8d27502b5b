"""The Qt-free core: data model, search, session and the task protocol."""

from embviz.core.dataset import EmbeddingSet, Source
from embviz.core.errors import Cancelled, EmbvizError, LoadError
from embviz.core.tasks import Progress, Task, run_task

__all__ = [
    "Cancelled",
    "EmbeddingSet",
    "EmbvizError",
    "LoadError",
    "Progress",
    "Source",
    "Task",
    "run_task",
]
