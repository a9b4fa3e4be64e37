"""Rehearsals: a rep script played through a `PracticeSession`, and what the buyer did in it.

This package sits above `roleplay.session` (which sits above `roleplay.buyer`): `simulation`
plays a script, `trace` records and explains the director's decisions, `check` plays the
built-in rep styles against one scenario (`roleplay check`), and `fidelity` measures how
faithfully the buyer plays every shipped scenario (`roleplay eval --buyer`).
"""
