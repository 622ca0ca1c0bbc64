"""The ticket (工单) from intake to archive.

Owns: the state machine (``workflow``), the use cases that change a ticket (``commands``), the
reads and work queues (``queries``), the rule table keyed by R-id (``rules``), deadlines and
why each is due then (``deadlines``), queue claims (``claims``), the archive (``archive``) and
who a special incident's notices and reports go to (``notices``).

May import: the top-level vocabulary and ``inputs``, ``calendar`` (working days), ``access``
(audit records, masking), ``delivery`` (the message templates), ``console.errors`` and
``console.store``.
"""
