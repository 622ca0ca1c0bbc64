"""Persistence: SQLAlchemy models, engines, units of work and migrations. No UI imports."""
