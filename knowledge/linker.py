"""Link question text to ontology concepts by normalised name and alias matching."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.model import Concept

# Concepts many questions name in passing ("... in CNNs?", "hyperparameters of X", "in CNN
# training"); they rank after every specific concept the question names, the whole field last.
UMBRELLA = {
    "hyperparameter": 1,
    "training-process": 1,
    "cnn": 2,
    "neural-network": 2,
    "deep-learning": 2,
}

# Aliases that are also ordinary English words: they only match with the casing of the alias.
_CASE_SENSITIVE = frozenset({"map", "cam", "ann"})

_COMPOUNDS = {
    "pretrained": ("pre", "trained"),
    "pretraining": ("pre", "training"),
    "finetuning": ("fine", "tuning"),
    "finetune": ("fine", "tune"),
    "finetuned": ("fine", "tuned"),
    "feedforward": ("feed", "forward"),
    "crossentropy": ("cross", "entropy"),
    "minibatch": ("mini", "batch"),
    "multilayer": ("multi", "layer"),
    "multimodal": ("multi", "modal"),
    "maxpooling": ("max", "pooling"),
    "maxpool": ("max", "pool"),
    "unet": ("u", "net"),
    "backpropagation": ("back", "propagation"),
    "overfitting": ("over", "fitting"),
    "overfit": ("over", "fit"),
    "underfitting": ("under", "fitting"),
    "underfit": ("under", "fit"),
    "nonlinearity": ("non", "linearity"),
    "nonlinear": ("non", "linear"),
    "subsampling": ("sub", "sampling"),
    "downsampling": ("down", "sampling"),
    "upsampling": ("up", "sampling"),
    "dataset": ("data", "set"),
    "convnet": ("conv", "net"),
    "hyperparameter": ("hyper", "parameter"),
    "tradeoff": ("trade", "off"),
}
_CONV = re.compile(
    r"^(conv|convs|convolution|convolutions|convolutional|convolve|convolved|convoluted)$"
)
_BRITISH = re.compile(
    r"^(normal|regular|general|optim|initial|visual|local|quant|summar|memor|standard|categor)"
    r"is(e|ed|es|ing|ation|ations|er|ers)$"
)
_IRREGULAR = {
    "bias": "bias",
    "biases": "bias",
    "indices": "index",
    "matrices": "matrix",
    "gpus": "gpu",
    "cpus": "cpu",
    "relus": "relu",
}
# Openings that put the next concept in focus ("What is a CNN, and how ...?").
_FOCUS_OPENERS = (
    ("what", "is"),
    ("what", "are"),
    ("determine",),
    ("calculate",),
)
_ARTICLES = frozenset({"a", "an", "the"})
_TOKEN = re.compile(r"[A-Za-z0-9]+")
_DIMS = re.compile(r"(\d+)\s*[x×X]\s*(\d+)")


def _lemma(token: str) -> str:
    if token in _IRREGULAR:
        return _IRREGULAR[token]
    if _CONV.match(token):
        return "conv"
    token = _BRITISH.sub(r"\1iz\2", token)
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if token.endswith(("sses", "xes", "ches", "shes")):
        return token[:-2]
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def tokens(text: str) -> list[tuple[str, str]]:
    """(normalised, original) token pairs: case, hyphens, plurals, "conv" forms, 3 x 3 -> 3x3."""
    text = _DIMS.sub(r"\1x\2", text)
    out: list[tuple[str, str]] = []
    for raw in _TOKEN.findall(text):
        low = raw.lower()
        base = _lemma(low)
        parts = _COMPOUNDS.get(low) or _COMPOUNDS.get(base)
        if parts:
            out.extend((_lemma(part), raw) for part in parts)
        else:
            out.append((base, raw))
    return out


def normalize(text: str) -> tuple[str, ...]:
    """The normalised token sequence used for matching and for duplicate detection."""
    return tuple(norm for norm, _ in tokens(text))


def contains_phrase(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    """Whether `needle` occurs as a contiguous token run inside `haystack`."""
    n = len(needle)
    return n > 0 and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def _in_focus(norms: tuple[str, ...], start: int) -> bool:
    """Whether the phrase at `start` directly follows "what is (a|an|the)" and similar."""
    head = list(norms[max(0, start - 3) : start])
    if head and head[-1] in _ARTICLES:
        head.pop()
    return any(tuple(head[-len(opener) :]) == opener for opener in _FOCUS_OPENERS)


@dataclass(frozen=True, slots=True)
class _Match:
    start: int
    end: int
    concept_id: str


class ConceptLinker:
    """Finds which ontology concepts a question talks about, most specific primary first."""

    def __init__(self, concepts: Iterable[Concept]) -> None:
        self._phrases: dict[tuple[str, ...], tuple[str, str]] = {}
        self._neighbours: dict[str, set[str]] = {}
        for concept in concepts:
            self._neighbours.setdefault(concept.id, set()).update(concept.prerequisites)
            for pre in concept.prerequisites:
                self._neighbours.setdefault(pre, set()).add(concept.id)
            for label in (concept.name, *concept.aliases):
                key = normalize(label)
                if key:
                    self._phrases.setdefault(key, (concept.id, label))
        self._longest = max((len(k) for k in self._phrases), default=0)

    def _matches(self, text: str) -> list[_Match]:
        toks = tokens(text)
        norms = tuple(n for n, _ in toks)
        found: list[_Match] = []
        for i in range(len(norms)):
            for j in range(min(len(norms), i + self._longest), i, -1):
                hit = self._phrases.get(norms[i:j])
                if hit is None:
                    continue
                concept_id, label = hit
                if j - i == 1 and norms[i] in _CASE_SENSITIVE:
                    if toks[i][1].rstrip("s") != label.rstrip("s"):
                        continue
                found.append(_Match(i, j, concept_id))
        # Longest match wins where matches overlap ("fast r cnn" over "r cnn" over "cnn").
        found.sort(key=lambda m: (-(m.end - m.start), m.start))
        taken: list[_Match] = []
        for m in found:
            if all(m.end <= t.start or m.start >= t.end for t in taken):
                taken.append(m)
        return sorted(taken, key=lambda m: m.start)

    def _ranked(self, text: str) -> list[str]:
        norms = normalize(text)
        ordered: list[str] = []
        focus: str | None = None
        for m in self._matches(text):
            if focus is None and _in_focus(norms, m.start):
                focus = m.concept_id
            if m.concept_id not in ordered:
                ordered.append(m.concept_id)
        # Text order, umbrella terms last, except a concept the question asks about directly.
        return sorted(ordered, key=lambda cid: (cid != focus, UMBRELLA.get(cid, 0)))

    def link(self, text: str, answer: str | None = None) -> tuple[str, ...]:
        """Concept ids a question involves, primary first; () when nothing matches.

        The primary is the first specific concept the question text names (umbrella terms
        such as "CNN" only when nothing else is named). The answer is a fallback when the
        text names nothing, and otherwise only adds close graph neighbours of the primary.
        """
        linked = self._ranked(text)
        if answer is None:
            return tuple(linked)
        counts = Counter(m.concept_id for m in self._matches(answer))
        by_weight = sorted(counts, key=lambda cid: -counts[cid])  # Counter keeps first-seen order
        if not linked:
            return tuple(sorted(by_weight[:3], key=lambda cid: UMBRELLA.get(cid, 0)))
        near = self._neighbours.get(linked[0], set())
        extra = [cid for cid in by_weight if cid in near and cid not in linked][:2]
        return (*linked, *extra)
