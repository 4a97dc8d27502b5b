"""Graph embeddings from an edge list (Qt-free).

- :mod:`.graph`: the edge list as an adjacency (CSR) with merged repeated edges;
- :mod:`.walks`: DeepWalk's uniform and node2vec's (p, q)-biased random walks;
- :mod:`.train`: walks -> gensim Word2Vec (skip-gram), or gensim's PoincareModel, as tasks;
- :mod:`.graph_set`: the trained set with its edges and communities, and the side file that
  keeps the edges with a written result;
- :mod:`.disk_layout`: a map of a Poincaré ball with more than 2 dims that keeps the disk.
"""
