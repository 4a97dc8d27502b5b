"""Batch atlas runs on a cluster (``embviz atlas TABLE --cluster local:N|tcp://HOST:8786``).

The engine is Dask distributed, not Ray. Why, for this job:

- The work is a handful of plain functions over partitions of a table (embed, place, write) plus
  one small step on a sample in the driver: Dask's futures (``client.submit`` / ``gather`` /
  ``scatter(broadcast=True)``) express exactly that, with results left on the worker that made
  them (a partition's vectors never travel back to the driver unless asked for).
- It is pure Python and small (dask + distributed, ~25 MB installed, no compiled runtime), so
  ``embviz[cluster]`` installs anywhere embviz does, and ``LocalCluster(processes=True)`` starts
  two worker processes in a couple of seconds with no network beyond localhost. Ray brings a
  ~100+ MB wheel with its own object store, raylet and GCS processes, a slower start, and wheels
  that lag new Python versions.
- Its workers are ordinary Python processes, so "load the model once per worker" is the
  per-process model cache embviz already has (:func:`embviz.models.hf_loading.load`, used by
  :mod:`embviz.cluster.work`); and it runs on the schedulers
  people already have (``dask-scheduler`` / ``dask-worker``, dask-jobqueue on SLURM/PBS,
  dask-kubernetes, Coiled).

The plan (:mod:`embviz.cluster.plan`) is a function of the data, the seed and the partitioning
only; the engine (:mod:`embviz.cluster.engine`) only decides where each task runs, so
``--cluster local:2``, ``local:1`` and :class:`~embviz.cluster.engine.InProcess` give the same
vectors and clusters. Nothing here imports dask at module level.
"""
