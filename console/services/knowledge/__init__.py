"""The knowledge base (R-KB) and what reads a caller's words.

Owns: the seed records and their loading (``seed``, ``seeding``, ``kb_files``), Chinese-aware
search (``search*``, ``text``, ``index_cache``, ``early``, ``answers``), routing to handling
units (``routing``, ``routing_eval``), duplicate detection (``duplicates``), article upkeep
(``upkeep``, ``relevance``), the duty numbers of units and duty offices (``duty``) and the
service over the store (``service``).

May import: the top-level vocabulary, ``calendar`` (the seed carries holiday schedules),
``console.errors`` and ``console.store``.
"""
