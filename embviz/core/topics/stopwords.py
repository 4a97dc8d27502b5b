"""Stop words for naming topics, in several languages.

English uses scikit-learn's list (the Glasgow Information Retrieval Group's 318 words, plus the
stems English contractions leave: "don", "isn", ...), which keeps
content words such as "computer", "system" or "information" that the larger multilingual lists
drop. Every other language comes from the ``stop-words`` package (PyPI ``stop-words``, lists
collected by Alireza Savand, https://github.com/Alir3z4/stop-words; the ``topics`` extra installs
it). ``"none"`` names topics with every word.
"""

from __future__ import annotations

from functools import lru_cache

NO_STOP_WORDS = "none"
# What English contractions leave once split at the apostrophe ("don't" -> "don", "t"); the token
# pattern keeps words of two letters or more, so these would otherwise name topics.
ENGLISH_CONTRACTION_STEMS = frozenset(
    "aren couldn didn doesn don hadn hasn haven isn ll mustn re shouldn ve wasn weren won "
    "wouldn".split()
)


class StopWordsError(ValueError):
    """An unknown language, or one that needs the optional ``stop-words`` package."""


def available_languages() -> list[str]:
    """Languages that :func:`stop_words_for` accepts (English and "none" always)."""
    try:
        from stop_words import AVAILABLE_LANGUAGES
    except (ImportError, OSError):  # not installed, or its word lists missing (a frozen build)
        return ["english", NO_STOP_WORDS]
    found = sorted({"english", *(str(lang) for lang in AVAILABLE_LANGUAGES)})
    return [*found, NO_STOP_WORDS]


@lru_cache(maxsize=16)
def stop_words_for(language: str) -> frozenset[str]:
    """The stop words of ``language`` (a name such as "german", or an ISO 639-1 code "de")."""
    key = language.strip().lower()
    if key in {NO_STOP_WORDS, ""}:
        return frozenset()
    if key in {"english", "en"}:
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        return frozenset(ENGLISH_STOP_WORDS) | ENGLISH_CONTRACTION_STEMS
    try:
        from stop_words import LANGUAGE_MAPPING, StopWordError, get_stop_words
    except (ImportError, OSError):
        raise StopWordsError(
            f"Stop words for {language!r} need the stop-words package: "
            "pip install 'embviz[topics]' (or choose english or none)."
        ) from None
    if key not in LANGUAGE_MAPPING and key not in LANGUAGE_MAPPING.values():
        raise StopWordsError(
            f"No stop words for language {language!r}. Choose one of: "
            + ", ".join(available_languages())
        )
    try:
        words = get_stop_words(key)
    except StopWordError as exc:  # a language listed but whose file is missing
        raise StopWordsError(f"No stop words for language {language!r}: {exc}") from None
    return frozenset(word.lower() for word in words)
