"""The domain and its use cases; nothing here imports textual.

At this level, where every screen and the API meet the domain:
- ``backend``: the Backend protocol, the one interface screens use;
- ``local`` (LocalBackend over the store) and ``remote`` (RemoteBackend over HTTP);
- ``views`` and ``values``: the plain frozen values and the regulation's vocabulary that cross
  the boundary; ``categories``: the category tree operators pick from;
- ``clock``: the injected clock; ``inputs``: checks of text before it is stored or looked up.

One subpackage per concern below it, each saying in its ``__init__`` what it owns and what it
may import:
- ``calendar``: working days (调休) and the schedules they come from;
- ``access``: seats and tokens, the audit trail, masking and reveal of a caller's identity;
- ``tickets``: the workflow, its commands and reads, the rule table, deadlines, claims, archive;
- ``delivery``: the outbox and the sinks it is delivered to;
- ``knowledge``: the knowledge base, search, routing, duplicate detection and the seed;
- ``subcentre``: the sub-centres (分中心) and the call records they send (R-SUBCENTRE);
- ``analytics``: the KPIs of evaluation (R-SUBCENTRE-KPI …).

Arrows point down only: ``local`` may use every concern; ``tickets`` uses ``calendar`` and
``access``; ``delivery`` uses ``access``; ``knowledge`` uses ``calendar`` (the seed carries the
holiday schedules); ``subcentre`` uses ``access``; ``analytics`` uses ``subcentre``. Every module may use the top-level vocabulary, ``console.errors`` and
``console.store``; the store uses nothing above it (``tests/test_boundaries.py``).
"""
