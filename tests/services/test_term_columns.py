"""The indexed tickets' term ids in columns (duplicate look-up, R-INADMISSIBLE ground 4)."""

from __future__ import annotations

import random

import numpy as np

from console.services.knowledge.term_columns import TermColumns


def test_each_document_reads_back_its_terms_across_growth_and_removal() -> None:
    rng = random.Random(3)
    cols = TermColumns()
    docs = [sorted(rng.sample(range(5000), rng.randrange(0, 40))) for _ in range(3000)]
    views = []
    for ids in docs:
        assert cols.append(ids) == len(views)
        views.append(cols.view())
    assert len(cols) == len(docs)
    for i in range(0, len(docs), 5):
        cols.drop(i)
        docs[i] = []
    for i, ids in enumerate(docs):
        assert cols.of(i).tolist() == ids
    # a view taken early still reads the documents it counted, whatever grew since
    early = views[10]
    assert early.count == 11
    some = np.array([j for j in range(11) if docs[j]], dtype=np.intp)
    gathered, starts = early.gather(some)
    assert np.split(gathered, starts[1:])[-1].tolist() == docs[int(some[-1])]


def test_gather_puts_the_documents_end_to_end() -> None:
    cols = TermColumns()
    for ids in ([3, 7], [1], [2, 4, 9], [5]):
        cols.append(ids)
    gathered, starts = cols.view().gather(np.array([2, 0, 3], dtype=np.intp))
    assert gathered.tolist() == [2, 4, 9, 3, 7, 5]
    assert starts.tolist() == [0, 3, 5]


def test_a_norm_is_kept_per_document_with_the_size_it_was_computed_at() -> None:
    cols = TermColumns()
    for _ in range(2000):
        cols.append([1, 2])
    assert cols.norm(1500) == (0.0, 0)  # not yet computed
    cols.set_norm(1500, 2.5, 1800)
    assert cols.norm(1500) == (2.5, 1800)
    assert cols.view().norms[1500].tolist() == [2.5, 1800.0]
