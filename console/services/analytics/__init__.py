"""Evaluation and analytics (考核评价与数据分析): what the platform learns from its history.

Owns: the unit and sub-centre KPIs (R-UNIT-KPI, R-SUBCENTRE-KPI), the quarterly and annual
grades (``grades``, R-GRADES) and the hot, sudden and emerging matters (R-ANALYTICS).

May import: the top-level vocabulary, ``calendar``, ``access`` (audit records, masking),
``tickets`` and ``knowledge`` (reads only), ``console.errors`` and ``console.store``.
"""
