"""BM25 that grows and shrinks one chunk at a time, with the scores of a full rebuild.

Chunks live in numbered slots; each term keeps a posting list (slots and term counts) in
arrays that grow by doubling. Removing a chunk only marks its slot dead and updates the
live statistics (document frequencies, count, total length), so after any sequence of adds
and removes the scores are those of ``bm25s.BM25()`` (Lucene variant, k1 1.5, b 0.75)
built over the live chunks alone. Dead slots are skipped at query time and dropped by
``compacted()`` once they outnumber the live ones.

Not thread-safe: ``KeywordIndex`` serialises mutations and searches.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

K1 = 1.5
B = 0.75


class _Postings:
    """One term's posting list: slots holding the term and its count there."""

    __slots__ = ("n", "slots", "tfs")

    def __init__(self) -> None:
        self.n = 0
        self.slots = np.empty(4, dtype=np.int32)
        self.tfs = np.empty(4, dtype=np.float32)

    def extend(self, slots: np.ndarray, tfs: np.ndarray) -> None:
        need = self.n + len(slots)
        if need > len(self.slots):
            size = max(need, 2 * len(self.slots))
            self.slots = np.resize(self.slots, size)
            self.tfs = np.resize(self.tfs, size)
        self.slots[self.n : need] = slots
        self.tfs[self.n : need] = tfs
        self.n = need


class IncrementalBM25:
    """Exact BM25 scores over a changing set of tokenised chunks."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self._postings: list[_Postings] = []
        self._df = np.zeros(16, dtype=np.int64)  # live chunks holding each term
        self._length = np.zeros(16, dtype=np.float32)  # per slot: number of terms
        self._alive = np.zeros(16, dtype=bool)
        self._terms: list[tuple[np.ndarray, np.ndarray] | None] = []  # per slot: ids, counts
        self.live = 0
        self._total_length = 0.0

    @property
    def slots(self) -> int:
        """Slots used so far, dead ones included."""
        return len(self._terms)

    @property
    def alive(self) -> np.ndarray:
        """Per slot used so far, whether it holds a live chunk (a view: do not write)."""
        return self._alive[: self.slots]

    @property
    def dead(self) -> int:
        return self.slots - self.live

    def add_many(self, documents: Sequence[Sequence[str]]) -> list[int]:
        """Add tokenised chunks; returns their slots."""
        first = self.slots
        rows: list[tuple[np.ndarray, np.ndarray]] = []
        for terms in documents:
            counts = Counter(terms)
            ids = np.fromiter((self._term_id(t) for t in counts), dtype=np.int32, count=len(counts))
            rows.append((ids, np.fromiter(counts.values(), dtype=np.float32, count=len(counts))))
        self._add_rows(rows)
        return list(range(first, self.slots))

    def _add_rows(self, rows: Sequence[tuple[np.ndarray, np.ndarray]]) -> None:
        first, last = self.slots, self.slots + len(rows)
        self._grow_slots(last)
        self._grow_terms(len(self.vocab))
        self._terms.extend(rows)
        if not rows:
            return
        slots = np.concatenate(
            [np.full(len(ids), first + i, dtype=np.int32) for i, (ids, _) in enumerate(rows)]
        )
        ids = np.concatenate([ids for ids, _ in rows])
        tfs = np.concatenate([tfs for _, tfs in rows])
        lengths = np.array([float(tfs.sum()) for _, tfs in rows], dtype=np.float32)
        self._length[first:last] = lengths
        self._alive[first:last] = True
        self.live += len(rows)
        self._total_length += float(lengths.sum())
        if not len(ids):
            return  # chunks with no searchable word ('—', 'and the'): live, never matched
        np.add.at(self._df, ids, 1)
        # Group by term (a stable sort keeps each term's slots in ascending order).
        order = np.argsort(ids, kind="stable")
        ids, slots, tfs = ids[order], slots[order], tfs[order]
        bounds = np.flatnonzero(np.diff(ids)) + 1
        starts = np.concatenate([[0], bounds])
        ends = np.concatenate([bounds, [len(ids)]])
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            self._postings[int(ids[start])].extend(slots[start:end], tfs[start:end])

    def remove(self, slot: int) -> None:
        """Take a chunk out (its slot stays, dead, until ``compacted``)."""
        row = self._terms[slot]
        if row is None:
            return
        ids, _ = row
        self._df[ids] -= 1
        self._alive[slot] = False
        self.live -= 1
        self._total_length -= float(self._length[slot])
        self._terms[slot] = None

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """Per slot, the BM25 score of ``terms`` (a repeated term counts each time, as in
        bm25s); dead slots score 0."""
        out = np.zeros(self.slots, dtype=np.float32)
        if self.live == 0:
            return out
        average = self._total_length / self.live
        for term in terms:
            term_id = self.vocab.get(term)
            if term_id is None or self._df[term_id] <= 0:
                continue
            postings = self._postings[term_id]
            slots, tfs = postings.slots[: postings.n], postings.tfs[: postings.n]
            keep = self._alive[slots]
            slots, tfs = slots[keep], tfs[keep]
            df = int(self._df[term_id])
            idf = math.log(1 + (self.live - df + 0.5) / (df + 0.5))
            norm = K1 * ((1 - B) + B * self._length[slots] / average)
            out[slots] += np.float32(idf) * tfs / (norm + tfs)
        return out

    def compacted(self) -> tuple[IncrementalBM25, dict[int, int]]:
        """A copy holding the live slots only, renumbered; and old slot -> new slot."""
        fresh = IncrementalBM25()
        fresh.vocab = dict(self.vocab)
        fresh._postings = [_Postings() for _ in self.vocab]
        live = [(slot, row) for slot, row in enumerate(self._terms) if row is not None]
        fresh._add_rows([row for _, row in live])
        return fresh, {old: new for new, (old, _) in enumerate(live)}

    def _term_id(self, term: str) -> int:
        found = self.vocab.get(term)
        if found is None:
            found = self.vocab[term] = len(self.vocab)
            self._postings.append(_Postings())
        return found

    def _grow_slots(self, size: int) -> None:
        if size > len(self._alive):
            new = max(size, 2 * len(self._alive))
            self._alive = np.concatenate([self._alive, np.zeros(new - len(self._alive), bool)])
            self._length = np.resize(self._length, new)

    def _grow_terms(self, size: int) -> None:
        if size > len(self._df):
            new = max(size, 2 * len(self._df))
            self._df = np.concatenate([self._df, np.zeros(new - len(self._df), np.int64)])
