"""Calls as the telephony reports them (CTI, R-SOURCE): the city lines' transfers and the
provincial ACD send call events (ringing, answered, transferred, ended) to the platform.

Owns: the signature a telephony source puts on each event (``signing``: HMAC-SHA256 with the
source's own secret, a timestamp against replays) and the idempotent ingest of the events
into one record per call (``calls``).

May import: the top-level vocabulary, ``console.errors`` and ``console.store``.
"""
