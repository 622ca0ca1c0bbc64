"""Evaluation and analytics: unit and sub-centre KPIs, grades, hot and sudden matters."""
