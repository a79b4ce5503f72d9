"""The two tokenizers the checkpoints use, written from their published descriptions (LAYOUTS.md §1-§3).

CLIP BPE follows openai/CLIP simple_tokenizer.py and clip.tokenize; it needs Debian's python3-regex for the
\\p{L}/\\p{N} classes. ftfy is not packaged in Debian 12: of ftfy.fix_text only its final NFC normalisation is
applied, so reference texts should be ones ftfy leaves otherwise unchanged (no mojibake, no curly quotes).
WordPiece follows tensorflow_text's BertTokenizer(lower_case=True) as vit_jax's BertTokenizer calls it.
"""

import gzip
import html
import json
import unicodedata

import regex

MERGE_COUNT = 49152 - 256 - 2
START, END = "<|startoftext|>", "<|endoftext|>"


def byte_symbols():
    """bytes_to_unicode: printable Latin-1 bytes stand for themselves, the rest for chr(256 + n). The order of
    the mapping is the order of the first 256 ids: the printable bytes first, then the others, in byte order."""
    kept = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) \
        + list(range(ord("®"), ord("ÿ") + 1))
    symbols = {b: chr(b) for b in kept}
    for n, b in enumerate(b for b in range(256) if b not in symbols):
        symbols[b] = chr(256 + n)
    return symbols


def merges_from_simple_vocab(path):
    """The 48 894 merges of bpe_simple_vocab_16e6.txt(.gz), as (left, right) pairs in rank order."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        lines = f.read().split("\n")
    return [tuple(line.split()) for line in lines[1:MERGE_COUNT + 1]]


def vocabulary(merges):
    chars = list(byte_symbols().values())
    return chars + [c + "</w>" for c in chars] + ["".join(m) for m in merges] + [START, END]


def write_hf_tokenizer_files(folder, merges, context_length):
    """vocab.json and merges.txt as transformers' CLIPTokenizer.save_vocabulary writes them, plus the two small
    JSON files a hub release carries."""
    vocab = {token: i for i, token in enumerate(vocabulary(merges))}
    with open(folder / "vocab.json", "w", encoding="utf-8") as f:
        f.write(json.dumps(vocab, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    with open(folder / "merges.txt", "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        for left, right in merges:
            f.write(f"{left} {right}\n")
    special = {"bos_token": START, "eos_token": END, "unk_token": END, "pad_token": END}
    (folder / "special_tokens_map.json").write_text(json.dumps(special, indent=2) + "\n")
    config = dict(special, add_prefix_space=False, do_lower_case=True, errors="replace",
                  model_max_length=context_length, tokenizer_class="CLIPTokenizer")
    (folder / "tokenizer_config.json").write_text(json.dumps(config, indent=2) + "\n")


def read_hf_tokenizer_files(folder):
    """(vocab {token: id}, merges) from vocab.json + merges.txt, as CLIPTokenizer reads them."""
    with open(folder / "vocab.json", encoding="utf-8") as f:
        vocab = json.load(f)
    with open(folder / "merges.txt", encoding="utf-8") as f:
        lines = f.read().strip().split("\n")
    merges = [tuple(line.split()) for line in lines[1:MERGE_COUNT + 1]]
    return vocab, merges


class ClipBpe:
    PATTERN = regex.compile(
        r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""",
        regex.IGNORECASE)

    def __init__(self, vocab, merges):
        self.ids = vocab if isinstance(vocab, dict) else {t: i for i, t in enumerate(vocab)}
        self.ranks = {pair: rank for rank, pair in enumerate(merges)}
        self.symbols = byte_symbols()
        self.cache = {START: START, END: END}

    @classmethod
    def from_simple_vocab(cls, path):
        merges = merges_from_simple_vocab(path)
        return cls(vocabulary(merges), merges)

    @staticmethod
    def clean(text):
        text = unicodedata.normalize("NFC", text)  # the one ftfy.fix_text step reproduced (see module doc)
        text = html.unescape(html.unescape(text)).strip()
        return regex.sub(r"\s+", " ", text).strip().lower()

    def bpe(self, piece):
        if piece in self.cache:
            return self.cache[piece]
        word = list(piece[:-1]) + [piece[-1] + "</w>"]
        while len(word) > 1:
            pairs = {(word[i], word[i + 1]) for i in range(len(word) - 1)}
            best = min(pairs, key=lambda p: self.ranks.get(p, float("inf")))
            if best not in self.ranks:
                break
            merged, i = [], 0
            while i < len(word):
                if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                    merged.append(word[i] + word[i + 1])
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = merged
        result = " ".join(word)
        self.cache[piece] = result
        return result

    def encode(self, text):
        ids = []
        for piece in self.PATTERN.findall(self.clean(text)):
            symbols = "".join(self.symbols[b] for b in piece.encode("utf-8"))
            ids.extend(self.ids[token] for token in self.bpe(symbols).split(" "))
        return ids

    def row(self, text, context_length):
        """[sot] + ids + [eot], clipped to context_length with eot last, padded with 0."""
        ids = [self.ids[START]] + self.encode(text) + [self.ids[END]]
        if len(ids) > context_length:
            ids = ids[:context_length]
            ids[-1] = self.ids[END]
        return ids + [0] * (context_length - len(ids))


# tensorflow_text's punctuation: the ASCII symbol ranges plus Unicode P*.
_ASCII_PUNCT = set(chr(c) for r in ((0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E))
                   for c in range(r[0], r[1] + 1))
_CJK = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F), (0x2B740, 0x2B81F),
        (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))


def _splits_alone(ch):
    cp = ord(ch)
    return ch in _ASCII_PUNCT or unicodedata.category(ch).startswith("P") or any(a <= cp <= b for a, b in _CJK)


class WordPiece:
    def __init__(self, lines):
        self.ids = {}
        for i, token in enumerate(lines):
            self.ids.setdefault(token, i)
        self.cls = lines.index("[CLS]")
        self.unk = self.ids["[UNK]"]

    @classmethod
    def load(cls, path):
        with open(path, encoding="utf-8") as f:
            return cls(f.read().split("\n"))

    @staticmethod
    def words(text):
        # lower_case=True: NFKC case folding, NFD, combining marks (Mn) dropped.
        text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
        text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
        words, current = [], []
        for ch in text:
            if ch.isspace():
                if current:
                    words.append("".join(current))
                current = []
            elif _splits_alone(ch):
                if current:
                    words.append("".join(current))
                current = []
                words.append(ch)
            else:
                current.append(ch)
        if current:
            words.append("".join(current))
        return words

    def pieces(self, word):
        if len(word.encode("utf-8")) > 100:
            return [self.unk]
        out, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                candidate = ("##" if start else "") + word[start:end]
                if candidate in self.ids:
                    out.append(self.ids[candidate])
                    break
                end -= 1
            if end == start:
                return [self.unk]
            start = end
        return out

    def row(self, text, max_len):
        """vit_jax BertTokenizer: pieces clipped/padded to max_len - 1, then [CLS] prepended; no [SEP]."""
        ids = [i for word in self.words(text) for i in self.pieces(word)][:max_len - 1]
        return [self.cls] + ids + [0] * (max_len - 1 - len(ids))
