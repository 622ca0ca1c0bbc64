"""Evaluation and analytics: KPIs, grades, hot and sudden matters (R-ANALYTICS and Art. 33–35)."""
