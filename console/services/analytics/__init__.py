"""Evaluation and analytics (考核评价与数据分析): what the platform learns from its history.

Owns: the unit KPIs (R-UNIT-KPI, ``kpi``: each indicator defined once, computed by SQL
aggregation over the event history, with the tickets behind each figure).

May import: the top-level vocabulary, ``calendar``, ``access``, ``tickets`` and ``knowledge``
(reads only), ``console.errors`` and ``console.store``.
"""
