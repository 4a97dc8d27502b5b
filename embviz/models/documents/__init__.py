"""Document embedders: one module per way of turning a document's text into a vector.

Found through :data:`embviz.models.documents.registry.document_embedders`.
"""
