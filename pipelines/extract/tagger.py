"""The statistical tagger: persons, organizations and places in running text, by a model trained here.

A maximum-entropy token classifier (multinomial logistic regression, trained by Spark MLlib in
:mod:`pipelines.extract.training`) scores the BIO tags of every token from its hashed features
(:mod:`pipelines.extract.tokens`); a Viterbi pass then picks the best sequence that is well
formed (``I-PER`` only after ``B-PER`` or ``I-PER``). The model is a weight matrix: it is saved as
one ``.npz`` file beside a JSON card of its provenance and scores, and scored with numpy in
Spark's Python workers, so tagging pulls no rows to the driver.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pipelines.extract.tokens import (
    ENTITY_OF_TAG,
    FEATURES,
    TAGS,
    Token,
    features,
    tokens,
)

MODEL_FILE = "model.npz"
CARD_FILE = "card.json"
# Allowed[previous, next]: an I- tag continues its own entity only.
_ALLOWED = np.array([[not (b.startswith("I-") and a[2:] != b[2:]) for b in TAGS] for a in TAGS])
_START = np.array([not t.startswith("I-") for t in TAGS])


@dataclass(frozen=True)
class Tagged:
    start: int
    end: int
    entity: str  # person, organization, location
    confidence: float


@dataclass
class Tagger:
    """Weights (features × tags) and intercepts (tags) of the token classifier, and its card."""

    weights: np.ndarray
    intercept: np.ndarray
    card: dict[str, Any] = field(default_factory=dict)

    def tag(self, text: str) -> list[Tagged]:
        """The persons, organizations and places in ``text``."""
        toks = tokens(text)
        if not toks:
            return []
        scores = np.stack([self.weights[f].sum(axis=0) for f in features(toks)]) + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        log_p = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
        return _spans(text, toks, _viterbi(log_p), np.exp(log_p))

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(folder / MODEL_FILE, weights=self.weights, intercept=self.intercept,
                            tags=np.array(TAGS), features=np.array(FEATURES))
        (folder / CARD_FILE).write_text(json.dumps(self.card, indent=2, sort_keys=True), encoding="utf-8")

    @staticmethod
    def saved_in(folder: Path) -> bool:
        """Whether ``folder`` holds a saved tagger (of whichever tags: :meth:`load` checks those)."""
        return (folder / MODEL_FILE).exists()

    @classmethod
    def load(cls, folder: Path) -> Tagger:
        if not cls.saved_in(folder):
            raise FileNotFoundError(f"no trained tagger at {folder}: materialize models/ner first, "
                                    "or read names by the rules alone (INSIGHT_EXTRACTOR=rules)")
        with np.load(folder / MODEL_FILE) as data:
            if tuple(data["tags"]) != TAGS or int(data["features"]) != FEATURES:
                raise ValueError(f"{folder} holds a model of other tags or features: materialize models/ner again")
            weights, intercept = data["weights"], data["intercept"]
        card = json.loads((folder / CARD_FILE).read_text(encoding="utf-8")) if (folder / CARD_FILE).exists() else {}
        return cls(weights, intercept, card)


def _viterbi(log_p: np.ndarray) -> list[int]:
    n, k = log_p.shape
    best = np.where(_START, log_p[0], -np.inf)
    back = np.zeros((n, k), dtype=np.int64)
    transition = np.where(_ALLOWED, 0.0, -np.inf)
    for i in range(1, n):
        total = best[:, None] + transition
        back[i] = total.argmax(axis=0)
        best = total.max(axis=0) + log_p[i]
    path = [int(best.argmax())]
    for i in range(n - 1, 0, -1):
        path.append(int(back[i, path[-1]]))
    return path[::-1]


def _spans(text: str, toks: list[Token], path: list[int], p: np.ndarray) -> list[Tagged]:
    """The entities of a tag sequence. A name never runs across a line break (a form's lines are
    fields), and a person of one word must be a given or family name the lexicon knows."""
    found: list[Tagged] = []
    i = 0
    while i < len(path):
        tag = TAGS[path[i]]
        if not tag.startswith("B-"):
            i += 1
            continue
        j = i + 1
        while j < len(path) and TAGS[path[j]] == "I-" + tag[2:] and "\n" not in text[toks[j - 1].end:toks[j].start]:
            j += 1
        entity = ENTITY_OF_TAG[tag[2:]]
        if entity != "person" or j - i > 1 or {"G", "F"} & set(toks[i].flags):
            confidence = float(np.mean([p[k, path[k]] for k in range(i, j)]))
            found.append(Tagged(toks[i].start, toks[j - 1].end, entity, confidence))
        i = j
    return found
