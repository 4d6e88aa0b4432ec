"""Intent-aware TF-IDF similarity of question texts and its top-k neighbour graph."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from knowledge.dedup.intent import COMPAT, INTENT_IDS, intent_of
from knowledge.dedup.text import TOKEN, topic_of

NEIGHBOURS = 10  # k of the kNN graph
_CANDIDATES = 20  # blocking candidates rescored exactly per question
_BLOCK_DF_CAP = 400  # a blocking term shared by more questions than this is too common to block on
_WORD_WEIGHT = 0.7  # share of word n-grams (the rest is character n-grams) in the similarity


class Similarity:
    """Intent-aware TF-IDF similarity of question texts, fitted on one corpus."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.topics = [topic_of(t) for t in texts]
        self.intents = np.array([INTENT_IDS[intent_of(t)] for t in texts], dtype=np.int8)
        words = TfidfVectorizer(
            token_pattern=TOKEN.pattern, ngram_range=(1, 2), sublinear_tf=True, lowercase=False
        ).fit_transform(self.topics)
        chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=False
        ).fit_transform(self.topics)
        self.words = sp.csr_matrix(words)
        self.matrix = sp.csr_matrix(
            sp.hstack([words * np.sqrt(_WORD_WEIGHT), chars * np.sqrt(1 - _WORD_WEIGHT)])
        )

    def pair_scores(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        dots = np.asarray(self.matrix[rows].multiply(self.matrix[cols]).sum(axis=1)).ravel()
        return dots * COMPAT[self.intents[rows], self.intents[cols]]

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
