"""Tiny randomly initialised transformers and tokenizers built in the test run (no download)."""

from __future__ import annotations

from pathlib import Path

CORPUS = [
    "the quick brown fox jumps over the lazy dog",
    "café naïve 東京 tokens and more tokens",
    "unbelievable things happen in the quiet town",
    "position embeddings and token embeddings",
] * 8
WORDPIECE_VOCAB = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "[unused0]", "[unused1]",
    "the", "quick", "fox", "un", "##believ", "##able", "!", ",", "東", "京", "7", "##s",
    "token", "over", "café",
]  # fmt: skip


def wordpiece_tokenizer(folder: Path):
    from transformers import BertTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.txt").write_text("\n".join(WORDPIECE_VOCAB) + "\n", encoding="utf-8")
    return BertTokenizer(str(folder / "vocab.txt"))


def byte_bpe_tokenizer():
    from tokenizers import ByteLevelBPETokenizer
    from transformers import PreTrainedTokenizerFast

    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(
        CORPUS,
        vocab_size=400,
        min_frequency=1,
        special_tokens=["<|endoftext|>"],
        show_progress=False,
    )
    return PreTrainedTokenizerFast(tokenizer_object=bpe._tokenizer, eos_token="<|endoftext|>")


def unigram_tokenizer():
    from tokenizers import SentencePieceUnigramTokenizer
    from transformers import PreTrainedTokenizerFast

    sp = SentencePieceUnigramTokenizer()
    sp.train_from_iterator(
        CORPUS, vocab_size=80, special_tokens=["<unk>", "<pad>"], unk_token="<unk>",
        show_progress=False,
    )  # fmt: skip
    return PreTrainedTokenizerFast(
        tokenizer_object=sp._tokenizer, unk_token="<unk>", pad_token="<pad>"
    )


def bert(vocab_size: int, positions: int = 40):
    from transformers import BertConfig, BertModel

    config = BertConfig(
        vocab_size=vocab_size, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=positions,
    )  # fmt: skip
    return BertModel(config).eval()


def gpt2(vocab_size: int, positions: int = 30):
    from transformers import GPT2Config, GPT2Model

    config = GPT2Config(
        vocab_size=vocab_size, n_embd=16, n_layer=1, n_head=2, n_positions=positions,
        bos_token_id=0, eos_token_id=0,
    )  # fmt: skip
    return GPT2Model(config).eval()


def roberta(vocab_size: int = 50, positions: int = 24):
    from transformers import RobertaConfig, RobertaModel

    config = RobertaConfig(
        vocab_size=vocab_size, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=positions, pad_token_id=1,
    )  # fmt: skip
    return RobertaModel(config).eval()
