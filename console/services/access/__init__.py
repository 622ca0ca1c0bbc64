"""Who may reach the platform and what they leave behind (R-SECURITY, R-CONFIDENTIAL).

Owns: seats and their tokens (``seats``), the hash-chained audit trail and the reveal of a
caller's contact (``audit``), and what of a caller each role may see (``masking``).

May import: the top-level vocabulary (``values``, ``views``, ``clock``), ``console.errors``
and ``console.store``.
"""
