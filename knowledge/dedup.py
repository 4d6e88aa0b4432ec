"""Near-duplicate clustering: raw questions from every source become canonical groups."""

from __future__ import annotations

import hashlib
import heapq
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from knowledge.model import Difficulty, RawQuestion, Variant

THRESHOLD = 0.7  # tuned on the labelled pairs in tests/unit/knowledge/test_dedup.py
NEAR_MISS_BAND = 0.12  # pairs this far under THRESHOLD are reported as suspicious
NEIGHBOURS = 10  # k of the kNN graph
_CANDIDATES = 20  # blocking candidates rescored exactly per question
_BLOCK_DF_CAP = 400  # a blocking term shared by more questions than this is too common to block on
_WORD_WEIGHT = 0.7  # share of word n-grams (the rest is character n-grams) in the similarity

# Spelling variants and synonyms folded before anything else (applied in order).
_SYNONYMS: tuple[tuple[str, str], ...] = (
    (r"\bconvolution(?:al)? neural networks?\s*(?:\(cnns?\))?", "cnn"),
    (r"\bcnns?\s+(?:models?|architectures?|networks?)\b", "cnn"),
    (r"\bcnns\b", "cnn"),
    (r"\bconvnets?\b", "cnn"),
    (r"\bartificial neural networks?\s*(?:\(anns?\))?", "mlp"),
    (r"\bmulti-?layer perceptrons?\s*(?:\(mlps?\))?", "mlp"),
    (r"\bu-net\b", "unet"),
    (r"\bresidual networks?\s*(?:\(resnets?\))?", "resnet"),
    (r"\b(?:residual|shortcut) connections?\b", "skip connection"),
    (r"\bparameter sharing\b", "weight sharing"),
    (r"\bimage augmentation\b", "data augmentation"),
    (r"\bmodel distillation\b", "knowledge distillation"),
    (r"\bmodel quantization\b", "quantization"),
    (r"\bfeature mapping\b", "feature map"),
    (r"\bextract(?:s|ing)? features\b", "feature extraction"),
    (r"\bconvolution operation\b", "convolution"),
    (r"\blayer norm(?:alization)?\b", "layernorm"),
    (r"\bconvolution layers?\b", "convolutional layer"),
    (r"\bfully[- ]connected\b", "fully connected"),
    (r"\bdense layers?\b", "fully connected layer"),
    (r"\brelu (?:activation )?(?:function|layer)s?\b", "relu"),
    (r"\bpre-?trained\b", "pretrained"),
    (r"\b(?:prevent|avoid|reduce|deal with|handle|combat|tackle)s? overfitting\b", "overfitting"),
    (r"\badversarial (?:examples?|attacks?)\b", "adversarial example"),
    (r"\bobject segmentation\b", "segmentation"),
)

# Question intents: two questions on one topic with different intents are different questions.
_INTENTS: tuple[tuple[str, str], ...] = (
    (
        "compare",
        r"\bdifferen(?:ce|ces|t from)\b|\bdiffer\b|\bvs\.?\b|\bversus\b|\bcompar|"
        r"\btrade-?offs?\b|\bprefer\b|\bexplain the terms\b|\bchoose\b.*\bover\b",
    ),
    (
        "apply",
        r"\bapplications?\b|\bwhere (?:is|are|do|does|can|would)\b|\bwhich \w+ uses?\b|"
        r"\buse cases?\b|\bapplied to\b",
    ),
    ("types", r"\btypes? of\b|\bkinds? of\b|\blist\b|\bcommon\b|\bpopular\b|\bexamples of\b"),
    (
        "problems",
        r"\blimitations?\b|\bchallenges\b|\bdrawbacks?\b|\bproblems?\b|\bdisadvantages?\b",
    ),
    (
        "why",
        r"\bwhy\b|\bpurpose\b|\badvantages?\b|\bbenefits?\b|\bimportan(?:t|ce)\b|"
        r"\bsignifican(?:t|ce)\b|\buse of\b|\bused for\b|\bneed for\b|\beffect of\b|\bimpact\b",
    ),
    ("role", r"\brole\b"),
    ("define", r"\bhow (?:do|does|is|are) .*\bwork\b"),
    ("how", r"\bhow\b"),
)
_INTENT_IDS = {name: i for i, name in enumerate([*(n for n, _ in _INTENTS[:-2]), "how", "define"])}
_SOFT = {  # partial compatibility between intents; every other mismatch scores _MISMATCH
    frozenset({"define", "role"}): 0.9,
    frozenset({"why", "role"}): 0.9,
    frozenset({"define", "how"}): 0.85,
    frozenset({"how", "role"}): 0.7,
}
_MISMATCH = 0.35

# Domain filler: words that say how a question is asked, not what it is about.
_FILLER_PHRASES = re.compile(
    r"\b(?:can you|could you|please|what is meant by|what do you mean by|meant by|in term of|"
    r"in terms of|in the context of|the concept of|the process of|the mechanism behind|"
    r"the principle of|the terms?|how does it work|how do they work)\b"
)
_CONTEXT = re.compile(
    r"\b(?:in|of|for|from|during|with|within|by|on|into|inside|behind)\s+(?:an?\s+|the\s+)?"
    r"(?:cnn(?: training| context| architecture| model| layer)?s?|convolutional layers?|"
    r"deep learning|training(?: cnn)?|an? image|images|neural networks?)\b"
)
_STOP = frozenset(
    """a an the is are was were be been do does did can could would should will shall may might
    what which who whom whose why how when where whether of in on to for from by with within into
    and or but if then than that this these those it its their they them there here as at about
    you your we our us one some any such very also more most much many via explain describe
    discuss concept concepts meant mean term terms process mechanism principle overview role
    purpose significance significant importance important advantage advantages benefit benefits
    application applications type types kind kinds different various common commonly popular
    use used using uses useful work works working list define definition typical typically
    offer help helps need key main primary basic vs versus like architecture algorithm performance
    evaluate evaluating evaluation layer challenge challenges drawback drawbacks limitation
    limitations disadvantage disadvantages problem problems issue issues case cases apply applied
    employ employed alongside together combine combined effect impact difference differences
    between differ differs compare comparison over choose implication implications vice versa
    give""".split()
)
_TOKEN = re.compile(r"[a-z0-9]+(?:[-+][a-z0-9]+)*")


def canonical_form(text: str) -> str:
    """Lower-cased text with punctuation collapsed: identical for trivially different copies."""
    return " ".join(_TOKEN.findall(text.lower()))


_SYNONYM_RES = tuple((re.compile(p), r) for p, r in _SYNONYMS)
_INTENT_RES = tuple((name, re.compile(p)) for name, p in _INTENTS)


def _fold(text: str) -> str:
    out = text.lower().replace("’", "'").replace("“", '"').replace("”", '"')
    for pattern, repl in _SYNONYM_RES:
        out = pattern.sub(repl, out)
    return out


@lru_cache(maxsize=1 << 16)
def _clause(text: str) -> str:
    """Folded main clause, shared by `intent_of` and `topic_of`."""
    return _fold(main_clause(text))


def main_clause(text: str) -> str:
    """The first question of a compound one ("What is X, and how does it ...?" -> "What is X")."""
    out = text.strip()
    out = re.split(r"\?\s+\S|\.\s+[A-Z]", out, maxsplit=1)[0]
    out = re.split(
        r",\s*and\b|,\s*(?:how|what|why|which|including)\b|\s+and\s+(?:its|their|how|what|why|for|where|"
        r"when|the (?:problems?|benefits?|advantages?)|to)\b|\s+(?:like|such as|e\.g\.)\s",
        out,
        maxsplit=1,
        flags=re.IGNORECASE,
    )[0]
    return out.strip(" ?.:")


def _stem(token: str) -> str:
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is", "as")):
        return token[:-1]
    return token


def intent_of(text: str) -> str:
    """The kind of answer a question asks for (define, why, compare, apply, types, ...)."""
    clause = _clause(text)
    for name, pattern in _INTENT_RES:
        if pattern.search(clause):
            return name
    return "define"


def topic_of(text: str) -> str:
    """What a question is about: its main clause minus phrasing and domain filler."""
    clause = _FILLER_PHRASES.sub(" ", _clause(text))
    clause = _CONTEXT.sub(" ", clause)
    tokens = [t for t in _TOKEN.findall(clause) if t not in _STOP]
    kept = [s for s in map(_stem, tokens) if s not in _STOP]
    topical = [t for t in kept if t != "cnn"]
    return " ".join(topical or kept or tokens)


def _compat_matrix() -> np.ndarray:
    names = list(_INTENT_IDS)
    m = np.full((len(names), len(names)), _MISMATCH)
    for a in names:
        for b in names:
            if a == b:
                m[_INTENT_IDS[a], _INTENT_IDS[b]] = 1.0
            else:
                m[_INTENT_IDS[a], _INTENT_IDS[b]] = _SOFT.get(frozenset({a, b}), _MISMATCH)
    return m


_COMPAT = _compat_matrix()


@dataclass(frozen=True, slots=True)
class Group:
    """One canonical question: every raw question merged into it and the fields chosen."""

    id: str
    text: str
    answer: str | None
    difficulty: Difficulty | None
    derived: bool
    members: tuple[RawQuestion, ...]

    @property
    def variants(self) -> tuple[Variant, ...]:
        return tuple(Variant(m.source, m.ref, m.text) for m in self.members)

    @property
    def explicit_concepts(self) -> tuple[str, ...]:
        """Concept ids named by the members (question packs), in order, without repeats."""
        return tuple(dict.fromkeys(c for m in self.members for c in m.concepts))


@dataclass(frozen=True, slots=True)
class NearMiss:
    """Two canonical questions kept apart although their texts are close."""

    first: str
    second: str
    score: float


@dataclass(frozen=True, slots=True)
class DedupResult:
    groups: tuple[Group, ...]
    near_misses: tuple[NearMiss, ...] = field(default=())


class Similarity:
    """Intent-aware TF-IDF similarity of question texts, fitted on one corpus."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.topics = [topic_of(t) for t in texts]
        self.intents = np.array([_INTENT_IDS[intent_of(t)] for t in texts], dtype=np.int8)
        self._word = TfidfVectorizer(
            token_pattern=_TOKEN.pattern, ngram_range=(1, 2), sublinear_tf=True, lowercase=False
        )
        self._char = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=False
        )
        words = self._word.fit_transform(self.topics)
        chars = self._char.fit_transform(self.topics)
        self.words = sp.csr_matrix(words)
        self.matrix = sp.csr_matrix(
            sp.hstack([words * np.sqrt(_WORD_WEIGHT), chars * np.sqrt(1 - _WORD_WEIGHT)])
        )

    def pair_scores(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        dots = np.asarray(self.matrix[rows].multiply(self.matrix[cols]).sum(axis=1)).ravel()
        return dots * _COMPAT[self.intents[rows], self.intents[cols]]

    def score(self, i: int, j: int) -> float:
        return float(self.pair_scores(np.array([i]), np.array([j]))[0])

    def _blocking(self) -> sp.csr_matrix:
        """Row-normalised word n-gram incidence without the very common n-grams.

        A text left with no n-gram (all of its words are common) keeps its rarest one.
        """
        n = self.words.shape[0]
        block = self.words  # idf-weighted, so rare shared terms rank candidates first
        df = np.diff(block.tocsc().indptr)
        cap = max(_BLOCK_DF_CAP, int(np.sqrt(n)))
        pruned = sp.csr_matrix(block[:, np.flatnonzero(df <= cap)])
        empty = np.flatnonzero(np.diff(pruned.indptr) == 0)
        rows: list[int] = []
        cols: list[int] = []
        for i in empty.tolist():
            terms = block.indices[block.indptr[i] : block.indptr[i + 1]]
            if len(terms):
                rows.append(i)
                cols.append(int(terms[np.argmin(df[terms])]))
        extra = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=block.shape)  # weight 1
        return sp.csr_matrix(normalize(sp.hstack([pruned, extra]).tocsr()))

    def neighbours(self, k: int = NEIGHBOURS, floor: float = 0.0) -> dict[tuple[int, int], float]:
        """Top-k neighbours of every text as {(i, j): score} with i < j (no all-pairs product).

        Candidates come from shared word n-grams, ignoring n-grams so common that they
        would pair everything with everything; only the best candidates are scored exactly.
        """
        n = self.matrix.shape[0]
        block = self._blocking()
        edges: dict[tuple[int, int], float] = {}
        chunk = 2000
        for start in range(0, n, chunk):
            stop = min(n, start + chunk)
            cand = (block[start:stop] @ block.T).tocsr()
            row_parts: list[np.ndarray] = []
            col_parts: list[np.ndarray] = []
            for r in range(stop - start):
                idx = cand.indices[cand.indptr[r] : cand.indptr[r + 1]]
                val = cand.data[cand.indptr[r] : cand.indptr[r + 1]]
                if len(idx) > _CANDIDATES:
                    idx = idx[np.argpartition(-val, _CANDIDATES)[:_CANDIDATES]]
                idx = idx[idx != start + r]
                row_parts.append(np.full(len(idx), start + r))
                col_parts.append(idx)
            rows = np.concatenate(row_parts)
            cols = np.concatenate(col_parts)
            if not len(rows):
                continue
            scores = self.pair_scores(rows, cols)
            taken: Counter[int] = Counter()
            for p in np.lexsort((cols, -scores, rows)).tolist():
                i, j, score = int(rows[p]), int(cols[p]), float(scores[p])
                if score < floor or taken[i] >= k:
                    continue
                taken[i] += 1
                edges[(min(i, j), max(i, j))] = score
        return edges


def _average_linkage(
    n: int, edges: dict[tuple[int, int], float], sources: Sequence[frozenset[str]], threshold: float
) -> list[list[int]]:
    """Greedy average-linkage over the kNN graph; never joins two questions of one source."""
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    srcs: dict[int, frozenset[str]] = dict(enumerate(sources))
    sums: dict[int, dict[int, float]] = {i: {} for i in range(n)}
    for (i, j), s in edges.items():
        sums[i][j] = s
        sums[j][i] = s
    version = dict.fromkeys(range(n), 0)
    heap = [(-s, i, j, 0, 0) for (i, j), s in edges.items() if s >= threshold]
    heapq.heapify(heap)
    while heap:
        _, a, b, va, vb = heapq.heappop(heap)
        if a not in members or b not in members or version[a] != va or version[b] != vb:
            continue
        if srcs[a] & srcs[b]:
            continue
        keep, gone = min(a, b), max(a, b)
        members[keep].extend(members.pop(gone))
        srcs[keep] = srcs[keep] | srcs.pop(gone)
        for c, s in sums.pop(gone).items():
            sums[c].pop(gone, None)
            if c != keep:
                sums[keep][c] = sums[keep].get(c, 0.0) + s
                sums[c][keep] = sums[keep][c]
        sums[keep].pop(gone, None)
        version[keep] += 1
        size = len(members[keep])
        for c, s in sums[keep].items():
            avg = s / (size * len(members[c]))
            if avg >= threshold:
                x, y = min(keep, c), max(keep, c)
                heapq.heappush(heap, (-avg, x, y, version[x], version[y]))
    return [sorted(m) for _, m in sorted(members.items())]


_QUESTION_START = re.compile(
    r"^(?:what|why|how|when|where|which|who|can|could|does|do|is|are|explain|describe|discuss)\b",
    re.IGNORECASE,
)


def clarity_key(q: RawQuestion) -> tuple[int, int, int, int, str]:
    """Sort key of the clearest phrasing (smallest wins).

    Rule: a source's own text beats ours (derived); a single, complete question sentence
    (starts like a question or instruction and ends with "?" or ".") beats fragments such as
    "Types of pooling in CNN?" or two questions glued together; then the shortest text
    (the most direct wording); then alphabetical order for determinism.
    """
    text = q.text.strip()
    complete = bool(_QUESTION_START.match(text)) and text.endswith(("?", "."))
    single = len(re.findall(r"[?.](?:\s|$)", text)) <= 1
    return (int(q.derived), int(not complete), int(not single), len(text), text)


def _answer_key(q: RawQuestion) -> tuple[int, float, str, str]:
    """Best answer first (smallest key).

    Rule: an answer given under the source's own question text beats one whose question we
    wrote (derived); then the most complete, counting length up to 1,500 characters and
    penalising anything longer (a page-long answer is not a better quiz answer); then
    source and ref for determinism.
    """
    length = len(q.answer or "")
    fullness = length if length <= 1500 else 1500 - (length - 1500) / 2
    return (int(q.derived), -fullness, q.source, q.ref)


_HARDNESS = {Difficulty.EASY: 0, Difficulty.MEDIUM: 1, Difficulty.HARD: 2}


def merge_difficulty(labels: Iterable[Difficulty | None]) -> Difficulty | None:
    """The most common label; a tie goes to the harder one; None if nobody labelled it."""
    counts = Counter(d for d in labels if d is not None)
    if not counts:
        return None
    return max(counts, key=lambda d: (counts[d], _HARDNESS[d]))


def stable_id(text: str) -> str:
    """Id derived from the canonical text only, so rebuilds and unrelated additions keep it."""
    return "q-" + hashlib.sha1(canonical_form(text).encode()).hexdigest()[:12]


def _group(members: Sequence[RawQuestion]) -> Group:
    ordered = tuple(sorted(members, key=lambda m: (m.source, m.ref, m.text)))
    canonical = min(ordered, key=clarity_key)
    answered = [m for m in ordered if m.answer and m.answer.strip()]
    best = min(answered, key=_answer_key) if answered else None
    return Group(
        id=stable_id(canonical.text),
        text=canonical.text.strip(),
        answer=best.answer.strip() if best and best.answer else None,
        difficulty=merge_difficulty(m.difficulty for m in ordered),
        derived=all(m.derived for m in ordered),
        members=ordered,
    )


def cluster(questions: Sequence[RawQuestion], threshold: float = THRESHOLD) -> DedupResult:
    """Cluster near-duplicate questions into canonical groups (deterministic, order-free).

    Identical texts (ignoring case and punctuation) merge first. Every other text becomes an
    intent (define, why, compare, ...) and a topic (its main clause without phrasing and
    domain filler, synonyms folded). Similarity is the cosine of word and character n-gram
    TF-IDF of topics, scaled down when intents differ. Each text keeps its top-k neighbours
    (found through shared n-grams, never all pairs), and average linkage over that graph
    merges clusters while their mean similarity stays >= `threshold`, never joining two
    different questions of one source. Pairs just under the threshold are near misses.
    """
    by_form: dict[str, list[RawQuestion]] = {}
    for q in questions:
        by_form.setdefault(canonical_form(q.text), []).append(q)
    forms = sorted(by_form)
    if not forms:
        return DedupResult(())
    sim = Similarity([by_form[f][0].text for f in forms])
    edges = sim.neighbours(floor=threshold - NEAR_MISS_BAND)
    sources = [frozenset(q.source for q in by_form[f]) for f in forms]
    clusters = _average_linkage(len(forms), edges, sources, threshold)
    index_group: dict[int, str] = {}
    groups: list[Group] = []
    for c in clusters:
        group = _group([q for i in c for q in by_form[forms[i]]])
        groups.append(group)
        index_group.update(dict.fromkeys(c, group.id))
    groups.sort(key=lambda g: g.id)
    texts = {g.id: g.text for g in groups}
    closest: dict[tuple[str, str], float] = {}
    for (i, j), score in edges.items():
        a, b = index_group[i], index_group[j]
        if score < threshold and a != b:
            first, second = sorted((texts[a], texts[b]))
            closest[(first, second)] = max(score, closest.get((first, second), 0.0))
    misses = sorted(
        (NearMiss(a, b, round(score, 3)) for (a, b), score in closest.items()),
        key=lambda m: (-m.score, m.first, m.second),
    )
    return DedupResult(tuple(groups), tuple(misses))
