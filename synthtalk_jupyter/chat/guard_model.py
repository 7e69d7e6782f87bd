"""Small statistical text classifier for the input guard (NumPy only, no download, no LLM).

Features: hashed character n-grams (2-5, within words, so typos, inflections and other
languages share evidence) and word uni/bigrams, binary, L2-normalised per text.
Model: multinomial logistic regression (classes ``ok``, ``injection``, ``jailbreak``,
``off_topic``), trained with full-batch Adam on the packaged labelled file
``guard_data.jsonl`` the first time it is needed (lazily, a few hundred ms), then cached for
the process. The output is a probability per class: data, never executed.

The training file holds the benchmark's ``dev`` and ``fresh`` splits and extra training
items; the benchmark's ``test``, ``holdout``, ``holdout2``, ``holdout3`` and ``holdout4`` splits are
never in it (fresh items of the kinds they showed failing were written instead, not copies), nor the
blind ``holdout5``.
"""

from __future__ import annotations

import json
import re
import threading
import time
import zlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

CLASSES = ("ok", "injection", "jailbreak", "off_topic")
DIM = 1 << 18
_TOKEN = re.compile(r"[^\W_]+|[^\w\s]", re.UNICODE)
_LOCK = threading.Lock()
_MODEL: "GuardModel | None" = None


def _h(s: str) -> int:
    return zlib.crc32(s.encode("utf-8")) & (DIM - 1)


@lru_cache(maxsize=4096)
def features(text: str) -> np.ndarray:
    """Sorted unique hashed feature ids of a (normalised, lower-case) text."""
    toks = _TOKEN.findall(text[:2000])
    ids: set[int] = set()
    words = [t for t in toks if t[0].isalnum()]
    for i, w in enumerate(words):
        ids.add(_h("w:" + w))
        if i:
            ids.add(_h("b:" + words[i - 1] + " " + w))
        p = f" {w} "
        n = len(p)
        for k in (2, 3, 4, 5):
            for j in range(0, n - k + 1):
                ids.add(_h(p[j:j + k]))
    for t in toks:  # punctuation marks on their own (':', '<', '|', ';' ...)
        if not t[0].isalnum():
            ids.add(_h("p:" + t))
    return np.fromiter(sorted(ids), dtype=np.int64, count=len(ids))


@dataclass
class GuardModel:
    W: np.ndarray  # (DIM, n_classes) float32
    b: np.ndarray  # (n_classes,)
    train_seconds: float = 0.0
    n_train: int = 0

    def predict_proba(self, text: str) -> dict[str, float]:
        ids = features(text)
        if len(ids) == 0:
            z = self.b.astype(np.float64)
        else:
            z = self.W[ids].sum(axis=0) / np.sqrt(len(ids)) + self.b
        z = z - z.max()
        p = np.exp(z)
        p /= p.sum()
        return {c: float(p[i]) for i, c in enumerate(CLASSES)}


def load_training_data() -> list[tuple[str, str]]:
    raw = resources.files("synthtalk_jupyter.chat").joinpath("guard_data.jsonl").read_text(encoding="utf-8")
    out = []
    for line in raw.splitlines():
        if line.strip():
            d = json.loads(line)
            out.append((d["text"], d["label"]))
    return out


def train(data: list[tuple[str, str]], epochs: int = 40, lr: float = 0.1, l2: float = 1e-4,
          normalise=None) -> GuardModel:
    """Full-batch Adam on the softmax loss; sparse products through bincount / reduceat."""
    t0 = time.perf_counter()
    norm = normalise or (lambda s: s.lower())
    rows = [features(norm(t)) for t, _ in data]
    y = np.array([CLASSES.index(lab) for _, lab in data])
    n, k = len(rows), len(CLASSES)
    lens = np.array([max(1, len(r)) for r in rows])
    idx = np.concatenate(rows)
    row_of = np.repeat(np.arange(n), [len(r) for r in rows])
    val = (1.0 / np.sqrt(lens))[row_of]
    starts = np.concatenate([[0], np.cumsum([len(r) for r in rows])[:-1]])
    # class weights: balance the classes
    counts = np.bincount(y, minlength=k).astype(float)
    cw = (counts.sum() / (k * np.maximum(counts, 1)))[y]
    # work on the compact set of features actually seen
    uniq, inv = np.unique(idx, return_inverse=True)
    m = len(uniq)
    W = np.zeros((m, k))
    b = np.zeros(k)
    mW, vW = np.zeros_like(W), np.zeros_like(W)
    mb, vb = np.zeros_like(b), np.zeros_like(b)
    Y = np.eye(k)[y]
    b1, b2, eps = 0.9, 0.999, 1e-8
    for step in range(1, epochs + 1):
        contrib = W[inv] * val[:, None]
        Z = np.add.reduceat(contrib, starts, axis=0) + b
        Z -= Z.max(axis=1, keepdims=True)
        P = np.exp(Z)
        P /= P.sum(axis=1, keepdims=True)
        G = (P - Y) * cw[:, None] / n  # (n, k)
        gv = G[row_of] * val[:, None]  # (nnz, k)
        gW = np.stack([np.bincount(inv, weights=gv[:, c], minlength=m) for c in range(k)], axis=1) + l2 * W
        gb = G.sum(axis=0)
        for p_, g_, m_, v_ in ((W, gW, mW, vW), (b, gb, mb, vb)):
            m_ *= b1
            m_ += (1 - b1) * g_
            v_ *= b2
            v_ += (1 - b2) * g_ * g_
            p_ -= lr * (m_ / (1 - b1 ** step)) / (np.sqrt(v_ / (1 - b2 ** step)) + eps)
    full = np.zeros((DIM, k), dtype=np.float32)
    full[uniq] = W
    return GuardModel(full, b.astype(np.float32), time.perf_counter() - t0, n)


def get_model(normalise=None) -> GuardModel:
    """The process-wide model, trained on first use (thread-safe)."""
    global _MODEL
    if _MODEL is None:
        with _LOCK:
            if _MODEL is None:
                _MODEL = train(load_training_data(), normalise=normalise)
    return _MODEL
