"""Evaluation: the KPIs, each defined once and computed in SQL (``subcentre_kpi``: R-SUBCENTRE-KPI).

May import: the top-level vocabulary, ``subcentre``, ``console.errors`` and ``console.store``.
"""
