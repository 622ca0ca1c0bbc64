"""The 政企通 desk (R-ENTERPRISE, Art. 29): serving enterprises one to one.

Owns: policy subscriptions (``subscriptions``: who asked for which policies, with consent,
and unsubscriptions), precise policy push (``push``: a verified policy article queued for
the subscribers it concerns, and the counts), the desk (``desk``: enterprise requests, each
followed one to one by a policy specialist — claim, assign, reassign, follow-ups, closed when
the ticket ends) and the desk's policy search (``policy_search``: policy articles by
industry, enterprise size and region).

May import: the top-level vocabulary, ``access`` (masking), ``calendar`` (specialists' duty
shifts), ``delivery`` (message templates), ``experts`` (the roster the policy specialists are
on), ``knowledge`` (the catalogue's cities, the audit hook of upkeep commands, search),
``tickets`` (the quiet hours of messages to the public, the workflow's helpers, queue
summaries), ``console.errors`` and ``console.store``.
"""
