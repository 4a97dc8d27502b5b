"""Document embedders: the built-ins plus third-party ones from ``embviz.document_embedders``
entry points (an object or class with the shape of
:class:`~embviz.models.documents.base.DocumentEmbedder`)."""

from __future__ import annotations

from embviz.core.errors import EmbvizError
from embviz.core.plugins import Registry
from embviz.models.documents.base import DocumentEmbedder


def _builtins() -> list[DocumentEmbedder]:
    from embviz.models.documents.doc2vec import Doc2VecEmbedder
    from embviz.models.documents.lsa import LsaEmbedder
    from embviz.models.documents.sentence import SentenceDocumentEmbedder
    from embviz.models.documents.word_average import TfidfAverageEmbedder, WordAverageEmbedder

    return [
        SentenceDocumentEmbedder(),
        WordAverageEmbedder(),
        TfidfAverageEmbedder(),
        LsaEmbedder(),
        Doc2VecEmbedder(),
    ]


document_embedders: Registry[DocumentEmbedder] = Registry("embviz.document_embedders", _builtins)


def get_document_embedder(name: str) -> DocumentEmbedder:
    try:
        return document_embedders.get(name)
    except KeyError as exc:
        raise EmbvizError(str(exc.args[0]) + ".") from None
