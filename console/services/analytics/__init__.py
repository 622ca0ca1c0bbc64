"""Evaluation and analytics (考核评价与数据分析): what the platform learns from its history.

Owns: hot, concentrated, persistent, sudden and emerging matters (R-ANALYTICS, ``hot``: tickets
grouped by matter and place, ranked by heat, with burst and emerging alerts; ``hot_store``: the
tracker kept in step with the store).

May import: the top-level vocabulary, ``calendar``, ``access``, ``tickets`` and ``knowledge``
(reads only), ``console.errors`` and ``console.store``.
"""
