"""The reading contract: what every reader does with non-finite values, empty data, duplicate
labels, encodings, compression, partial files and pickles. One source for ``embviz info`` (the
rules of the file's format), ``embviz info --contract`` (all of them) and docs/contract.md (a test
checks that the document says every rule written here).
"""

from __future__ import annotations

TOPICS = (
    "non-finite",
    "empty",
    "duplicates",
    "encoding",
    "compression",
    "partial",
    "pickles",
    "memory",
)

COMMON = {
    "non-finite": "rows holding NaN or +-inf are loaded as they are and named in a warning; "
    "values beyond float32 become inf and are warned the same way.",
    "empty": "a 0-byte file, 0 rows or 0 dimensions is refused.",
    "duplicates": "the first row of each label is kept (as gensim does); a warning says how "
    "many rows were dropped.",
    "encoding": "labels are UTF-8 unless --encoding says otherwise; undecodable bytes become "
    "U+FFFD, said in one warning; a UTF-8 BOM is dropped.",
    "compression": "gzip and bz2 are recognised by their bytes, whatever the name; a cut-short "
    "or corrupt stream is refused, naming how far it got.",
    "partial": "a file cut short is refused, never read in part without --limit (text without "
    "a header is the exception: cut at a line end, it looks whole).",
    "pickles": "not a pickle format: never runs code from the file.",
    "memory": "sizes the file declares are checked against available memory before allocating.",
}

_TEXT_ENCODING = (
    COMMON["encoding"] + " UTF-16/UTF-32 with a BOM are decoded, CR-only line ends read as line "
    "ends (both warned); UTF-16 without a BOM is refused with the command that converts it."
)

FORMATS: dict[str, dict[str, str]] = {
    "word2vec-text": {
        "encoding": _TEXT_ENCODING,
        "partial": "fewer rows than the header says is refused (naming the count found); more "
        "is refused unless --limit; a row of the wrong width or a non-number names its line; a "
        "header that is not two positive whole numbers is refused as an invalid header.",
    },
    "word2vec-binary": {
        "partial": "a file that ends inside a row is refused naming that row; a header promising "
        "far more rows than the bytes hold (over 64 MB of them) is refused at once; float64 rows "
        "are called float64 only when they fill the file exactly; other bytes are called corrupt.",
        "memory": "the header's rows x dims (float32) is checked against available memory, and "
        "against the file's size, before allocating.",
    },
    "glove-text": {
        "encoding": _TEXT_ENCODING,
        "partial": "a row of another width or a non-number is refused, naming its line; a blank "
        "line between rows is refused. With no header, a file cut exactly at a line end cannot be "
        "told from a whole one. Labels that are all whole numbers are read as ids, with a "
        "warning.",
    },
    "text-matrix": {
        "encoding": _TEXT_ENCODING,
        "duplicates": "no labels: rows are named by their number 0..N-1 (said in a warning).",
        "partial": "a row of another width or a non-number is refused, naming its line; a file "
        "cut exactly at a line end cannot be told from a whole one.",
    },
    "numpy": {
        "encoding": "labels come from a sidecar TSV beside the file (else row numbers).",
        "compression": "an uncompressed .npy is memory-mapped; .npy.gz/.bz2 is decompressed "
        "(cut-short or corrupt streams are refused).",
        "partial": "data shorter than the header's shape is refused before reading.",
        "pickles": "an object array is a Python pickle: refused without --trust for this file; "
        "with it, an error afterwards says code from the file already ran.",
        "memory": "the header's shape and dtype are checked against the file size and available "
        "memory before allocating.",
    },
    "numpy-npz": {
        "encoding": "labels from a 'labels' member (UTF-8 bytes or str), else row numbers.",
        "compression": "a zip archive: members that are not .npy are skipped with a warning; a "
        "damaged member is refused, naming it.",
        "partial": "a cut-short archive or member is refused, naming the member.",
        "pickles": "a member holding Python objects is a pickle: refused without --trust; with "
        "it, an error afterwards says code from the file already ran.",
        "memory": "the expanded size of every member is added up and checked before any is "
        "expanded; one past 100 MB and 50x the archive's size is said in a warning even when it "
        "fits.",
    },
    "table": {
        "encoding": _TEXT_ENCODING + " ';' with decimal commas ('0,5') is read as numbers and "
        "said in a warning.",
        "empty": COMMON["empty"] + " A header without rows is refused; a table of labels and "
        "one number per row (projector metadata) is refused as holding no vectors.",
        "partial": "a row of another width is refused as soon as it is read, naming its row; a "
        "file cut exactly at a line end cannot be told from a whole one.",
        "memory": "read as text (about 8x the file's size); refused with the numbers when that "
        "does not fit, unless --limit.",
    },
    "parquet": {
        "encoding": "text columns are read as Parquet stores them (UTF-8).",
        "empty": COMMON["empty"] + " A list column must hold numbers, all lists one length.",
        "partial": "a damaged file is refused with pyarrow's reason.",
        "memory": "the uncompressed size in the file's metadata (twice: Arrow, then numpy) is "
        "checked against available memory before reading.",
    },
    "atlas": {
        "duplicates": "no row is dropped: titles are made unique, a repeated title getting its "
        "input row appended (e.g. 'Re: help (row 12)').",
        "empty": "a table without rows, without a text column or without the vector, x and y "
        "columns is refused.",
        "encoding": "text columns are read as Parquet stores them (UTF-8).",
        "partial": "a damaged file is refused with pyarrow's reason; a file without the 'embviz' "
        "record is not an atlas (it opens as a plain Parquet table).",
        "memory": "three times the uncompressed size in the file's metadata is checked against "
        "available memory before reading.",
    },
    "atlas-partitioned": {
        "duplicates": "no row is dropped: titles are made unique, a repeated title getting its "
        "row appended; above a million rows every label names its row (no pass over all titles).",
        "empty": "a record without partitions, or parts without the vector, x, y or text "
        "columns, is refused naming the part.",
        "encoding": "text columns are read as Parquet stores them (UTF-8).",
        "partial": "a part listed in _embviz.json but missing, a part with other columns than the "
        "first, a part whose row count differs from the record, parts without a record (the run "
        "did not finish) and a vector of the wrong length (named by part and row, when the "
        "vectors are first read) are refused; part files not in the record are left out, warned.",
        "memory": "the vectors (rows x dims float32) are checked against available memory before "
        "they are read, which is only when neighbours, search or health first need them.",
    },
    "projector-tsv": {
        "encoding": "tensors and metadata TSVs are read as UTF-8 (--encoding is not used); "
        "undecodable bytes become U+FFFD, said in one warning naming the file and the first line; "
        "UTF-16/UTF-32 with a BOM and CR-only line ends are read as for the other text formats.",
        "duplicates": "labels from the metadata TSV must be unique, else rows are named by "
        "number and the labels kept as a column (warned); labels in the tensors file: first kept.",
        "partial": "a row of another width or a non-number names its line; a metadata file whose "
        "row count differs is refused, naming it; a file cut exactly at a line end cannot be told "
        "from a whole one.",
        "memory": "read as text (about 8x the file's size); refused with the numbers when that "
        "does not fit.",
    },
    "projector-config": {
        "partial": "every entry's types are checked; embeddings whose tensor file is missing are "
        "named in a warning and the first present one is opened; asking for a missing one, or "
        "having none, is refused. Raw .bytes must be exactly rows x dims x 4 bytes.",
    },
    "projector-bytes": {
        "partial": "the .bytes must be exactly rows x dims x 4 bytes of the config's "
        "tensorShape; without a config naming it, it is refused.",
    },
    "gensim": {
        "pickles": "a Python pickle (recognised by its first bytes, whatever the name): refused "
        "without --trust (trust=True) for this very file, and nothing is unpickled; with it, an "
        "error afterwards says code from the file already ran.",
        "encoding": "labels as gensim stored them.",
        "compression": "as gensim loads it (arrays saved beside it are memory-mapped).",
        "partial": "gensim's own error is given, with the file; its log lines become warnings.",
    },
    "fasttext-bin": {
        "encoding": "the vocabulary is decoded with --encoding (default UTF-8); gensim's per-word "
        "decode errors become one warning that says how many words and what to do.",
        "compression": "read by gensim's loader (not compressed).",
        "partial": "a cut-short model is refused with gensim's reason; gensim's log lines and "
        "warnings become the set's warnings, never stderr.",
    },
}

EXIT_CODES = {
    0: "success.",
    2: "the input or the request is wrong: one line naming the file, the line, row or byte, "
    "what is wrong and what to do.",
    1: "only for a defect in embviz itself (the message says so; --debug shows the traceback).",
}


def rules_for(format_name: str) -> dict[str, str]:
    """Each topic's rule for one format (the common rule unless the format has its own)."""
    own = FORMATS.get(format_name, {})
    return {topic: own.get(topic, COMMON[topic]) for topic in TOPICS}


def contract_text() -> str:
    """The whole contract as plain text (``embviz info --contract``)."""
    lines = ["What every reader does (topics: " + ", ".join(TOPICS) + ")", ""]
    lines += ["All formats:"] + [f"  {t}: {COMMON[t]}" for t in TOPICS] + [""]
    for name, own in FORMATS.items():
        lines.append(f"{name}:")
        lines += [f"  {topic}: {rule}" for topic, rule in own.items()]
        lines.append("")
    lines.append("Exit codes:")
    lines += [f"  {code}: {text}" for code, text in EXIT_CODES.items()]
    return "\n".join(lines)
