"""Expert seats (专家座席, R-EXPERT, Art. 28): the units' experts on the platform's expert seats.

Owns: the expert roster (``roster``: who, of which unit, covering which domains and matter
types, kept by the manager) and duty shifts read against the work calendar (``shifts``).

May import: the top-level vocabulary, ``calendar`` (working days), ``knowledge`` (the audit
hook of upkeep commands), ``console.errors`` and ``console.store``.
"""
