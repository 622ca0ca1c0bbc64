"""What goes out (R-SPECIAL-REPORT, R-SUPERVISE-HOW, R-CALLBACK): the transactional outbox.

Owns: claiming, delivering and marking outbox rows with the timers ``hotline worker`` runs
(``outbox``), where messages go: an HTTP gateway or a JSON Lines file (``sinks``), and what
they say: every text rendered from the reviewed template file ``templates.zh.toml``
(``templates``).

May import: the top-level vocabulary, ``access`` (audit records), ``console.errors`` and
``console.store``.
"""
