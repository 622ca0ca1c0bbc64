"""The 政企通 desk (R-ENTERPRISE, Art. 29): serving enterprises one to one.

Owns: policy subscriptions (``subscriptions``: who asked for which policies, with consent,
and unsubscriptions) and precise policy push (``push``: a verified policy article queued for
the subscribers it concerns, and the counts).

May import: the top-level vocabulary, ``access`` (masking), ``delivery`` (message templates),
``knowledge`` (the catalogue's cities, the audit hook of upkeep commands), ``tickets`` (the
quiet hours of messages to the public), ``console.errors`` and ``console.store``.
"""
