"""Embedding health: the diagnostics researchers compute by hand, Qt-free.

anisotropy (mean pairwise cosine, mean vector share, IsoScore, norms), hubness (k-occurrence,
hub-reduced neighbours), intrinsic dimension (TwoNN, local MLE), duplicates and outliers, concept
axes and WEAT (:mod:`.bias`); :mod:`.report` runs them all as one task.
"""
