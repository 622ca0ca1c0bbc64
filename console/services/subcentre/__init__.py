"""Sub-centres (分中心: 12333, 12348, 12315, 12366, 95598 …) and the call records they send the
platform in real time (R-SUBCENTRE).

Owns: the sub-centre catalogue read from the units marked ``subcentre`` with their line, and the
validated, idempotent, all-or-nothing ingest of their call records (``calls``).

May import: the top-level vocabulary, ``access`` (the audit trail), ``console.errors`` and
``console.store``.
"""
