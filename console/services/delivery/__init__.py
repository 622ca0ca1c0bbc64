"""What goes out (R-SPECIAL-REPORT, R-SUPERVISE-HOW, R-CALLBACK): the transactional outbox.

Owns: claiming, delivering and marking outbox rows with the timers ``hotline worker`` runs
(``outbox``), and where messages go: an HTTP gateway or a JSON Lines file (``sinks``).

May import: the top-level vocabulary, ``access`` (audit records), ``console.errors`` and
``console.store``.
"""
