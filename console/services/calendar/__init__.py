"""The work calendar (R-LIMIT and "Counting time" in spec/rules.md).

Owns: which days are working days (``workdays``: 调休 included, day ordinals for fast
arithmetic), the official schedule file format (``schedule_file``), and the calendar as the
platform knows it, built-in years plus schedules loaded into the store (``provider``).

May import: ``console.errors``, ``console.store``. Nothing else of the services.
"""
