"""Evaluation and analytics (考核评价与数据分析): what the platform learns from its history.

Owns: the unit KPIs (R-UNIT-KPI, ``kpi``) and the sub-centre KPIs (R-SUBCENTRE-KPI,
``subcentre_kpi``), each indicator defined once and computed by SQL aggregation over the
event history, with the tickets behind each figure; the quarterly and annual grades
(``grades``, R-GRADES) and the accountability lists of Art. 25 (``accountability``); hot,
concentrated, persistent, sudden and emerging matters (R-ANALYTICS, ``hot``: tickets grouped by
matter and place, ranked by heat, with burst and emerging alerts; ``hot_store``: the tracker
kept in step with the store).

May import: the top-level vocabulary, ``calendar``, ``access``, ``tickets``, ``knowledge`` and
``subcentre`` (reads only), ``console.errors`` and ``console.store``.
"""
