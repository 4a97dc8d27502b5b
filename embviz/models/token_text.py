"""What a vocabulary entry is: its readable text, its kind (word start, continuation, special),
its length and its script.

Tokenizers mark word boundaries differently, and :class:`TokenizerStyle` reads which way from the
tokenizer itself (its ``tokenizer.json`` pipeline, or the slow tokenizer's attributes):

- WordPiece (BERT): a continuation piece starts with ``##``; every other piece starts a word.
- byte-level BPE (GPT-2, RoBERTa): pieces are spelt in a 256-symbol alphabet that stands for bytes
  (``Ġ`` is the space byte); a piece that begins with a space starts a word. The readable text
  decodes the symbols back to bytes and then to UTF-8, writing a byte that is only part of a
  character as ``<0xC3>``; spaces and control bytes keep their symbols (``Ġ``, ``Ċ``), so the
  word boundary stays visible and a label never holds a space or a line break.
- SentencePiece / Metaspace (T5, XLM-R, Llama): ``▁`` marks the start of a word.

Special pieces are the tokenizer's special tokens, and in WordPiece vocabularies the reserved
slots written in brackets (BERT's ``[unused0]``).
"""

from __future__ import annotations

import json
import re
import unicodedata
import weakref
from dataclasses import dataclass
from functools import cache
from typing import Any

WORD_START = "word start"
CONTINUATION = "continuation"
SPECIAL = "special"
PIECE_KINDS = (WORD_START, CONTINUATION, SPECIAL)
_RESERVED = re.compile(r"^\[[^\[\]\s]+\]$")  # BERT's [unused0] slots


@cache
def byte_symbols() -> dict[str, int]:
    """GPT-2's byte-level alphabet: symbol -> the byte it stands for (``bytes_to_unicode``)."""
    printable = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("¡"), ord("¬") + 1))
        + list(range(ord("®"), ord("ÿ") + 1))
    )
    codes = printable[:]
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            codes.append(256 + extra)
            extra += 1
    return {chr(code): byte for byte, code in zip(printable, codes, strict=True)}


def _types(node: Any) -> set[str]:
    """Every ``"type"`` named in a tokenizer.json pipeline part (Sequence parts included)."""
    found: set[str] = set()
    if isinstance(node, dict):
        if isinstance(node.get("type"), str):
            found.add(node["type"])
        for value in node.values():
            found |= _types(value)
    elif isinstance(node, list):
        for value in node:
            found |= _types(value)
    return found


@dataclass(frozen=True)
class TokenizerStyle:
    """How a tokenizer marks words: a continuation prefix, a byte-level alphabet, a word marker."""

    algorithm: str  # "WordPiece", "BPE", "Unigram", "WordLevel" or "unknown"
    continuation_prefix: str = ""  # "##" for WordPiece
    byte_level: bool = False
    word_marker: str = ""  # "Ġ" (byte-level), "▁" (Metaspace)
    special: frozenset[str] = frozenset()

    @classmethod
    def of(cls, tokenizer: Any) -> TokenizerStyle:
        special = frozenset(str(t) for t in getattr(tokenizer, "all_special_tokens", []) or [])
        backend = getattr(tokenizer, "backend_tokenizer", None)
        if backend is not None:
            spec = json.loads(backend.to_str())
            model = spec.get("model") or {}
            algorithm = str(model.get("type") or "unknown")
            parts = _types(spec.get("pre_tokenizer")) | _types(spec.get("decoder"))
            added = {
                str(a.get("content")) for a in spec.get("added_tokens") or [] if a.get("special")
            }
            special = special | frozenset(added)
            prefix = str(model.get("continuing_subword_prefix") or "")
            if algorithm == "WordPiece":
                return cls(algorithm, prefix or "##", special=special)
            if "ByteLevel" in parts:
                return cls(algorithm, prefix, byte_level=True, word_marker="Ġ", special=special)
            if "Metaspace" in parts:
                return cls(algorithm, prefix, word_marker="▁", special=special)
            return cls(algorithm, prefix, special=special)
        if hasattr(tokenizer, "byte_decoder"):  # a slow GPT-2 style tokenizer
            return cls("BPE", byte_level=True, word_marker="Ġ", special=special)
        if hasattr(tokenizer, "sp_model"):
            return cls("Unigram", word_marker="▁", special=special)
        if hasattr(tokenizer, "wordpiece_tokenizer"):
            return cls("WordPiece", "##", special=special)
        return cls("unknown", special=special)

    def readable(self, token: str) -> str:
        """The piece as a person reads it (byte-level symbols decoded; see the module)."""
        if not self.byte_level or token in self.special:
            return token
        symbols = byte_symbols()
        if any(ch not in symbols for ch in token):
            return token  # an added token, not in the byte alphabet
        return _decode_bytes(bytes(symbols[ch] for ch in token))

    def kind(self, token: str) -> str:
        if token in self.special or (self.algorithm == "WordPiece" and _RESERVED.match(token)):
            return SPECIAL
        if self.continuation_prefix and self.algorithm == "WordPiece":
            return CONTINUATION if token.startswith(self.continuation_prefix) else WORD_START
        if self.word_marker:
            return WORD_START if token.startswith(self.word_marker) else CONTINUATION
        if self.continuation_prefix:
            return CONTINUATION if token.startswith(self.continuation_prefix) else WORD_START
        return WORD_START

    def bare(self, token: str) -> str:
        """The readable piece without its boundary mark (``##ing`` -> ``ing``, ``Ġthe`` -> ``the``)."""
        text = self.readable(token)
        if self.continuation_prefix and text.startswith(self.continuation_prefix):
            return text[len(self.continuation_prefix) :]
        if self.word_marker:
            return text.lstrip(self.word_marker)
        return text


_styles: weakref.WeakKeyDictionary[Any, TokenizerStyle] = weakref.WeakKeyDictionary()


def style_of(tokenizer: Any) -> TokenizerStyle:
    """:meth:`TokenizerStyle.of`, kept while the tokenizer lives (reading it takes ~30 ms)."""
    try:
        found = _styles.get(tokenizer)
    except TypeError:  # not weakly referenceable
        return TokenizerStyle.of(tokenizer)
    if found is None:
        found = _styles[tokenizer] = TokenizerStyle.of(tokenizer)
    return found


def _decode_bytes(raw: bytes) -> str:
    """UTF-8 text; a byte that is only part of a character is written ``<0xC3>``; spaces and
    control bytes keep their byte-level symbol (``Ġ``, ``Ċ``), so a label never breaks a line."""
    out, i = [], 0
    symbol_of = {byte: symbol for symbol, byte in byte_symbols().items()}
    while i < len(raw):
        for size in (1, 2, 3, 4):
            try:
                char = raw[i : i + size].decode("utf-8")
            except UnicodeDecodeError:
                continue
            control = size == 1 and (raw[i] <= 0x20 or raw[i] == 0x7F)
            out.append(symbol_of[raw[i]] if control else char)
            i += size
            break
        else:
            out.append(f"<0x{raw[i]:02X}>")
            i += 1
    return "".join(out)


def char_class(ch: str) -> str:
    """digit, punctuation, symbol, space, mark, or a letter's script (Latin, CJK, Cyrillic…)."""
    category = unicodedata.category(ch)
    if category == "Nd" or category.startswith("N"):
        return "digit"
    if category.startswith("P"):
        return "punctuation"
    if category.startswith("S"):
        return "symbol"
    if category.startswith("Z") or ch.isspace():
        return "space"
    if category.startswith("M"):
        return "mark"
    if category.startswith("C"):
        return "control"
    name = unicodedata.name(ch, "")
    if not name:
        return "other"
    first = name.split()[0]
    if first in ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO"):
        return "CJK"
    return first.capitalize()


def script_of(text: str) -> str:
    """One script for a piece: its characters' class when they agree, else ``mixed``."""
    if not text:
        return "none"
    if re.fullmatch(r"(<0x[0-9A-F]{2}>)+", text):
        return "bytes"
    classes = {char_class(ch) for ch in text} - {"mark"}
    if not classes:
        return "mark"
    if len(classes) == 1:
        return classes.pop()
    return "mixed"


def describe(tokens: list[str], style: TokenizerStyle) -> dict[str, list[Any]]:
    """Per token: readable text, kind, length (characters without the boundary mark), script."""
    readable, kinds, lengths, scripts = [], [], [], []
    for token in tokens:
        kind = style.kind(token)
        bare = style.bare(token)
        readable.append(style.readable(token))
        kinds.append(kind)
        lengths.append(len(bare))
        scripts.append("special" if kind == SPECIAL else script_of(bare))
    return {"text": readable, "kind": kinds, "length": lengths, "script": scripts}
