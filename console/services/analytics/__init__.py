"""Evaluation and analytics: the KPIs of units and sub-centres (R-UNIT-KPI, R-SUBCENTRE-KPI)."""
