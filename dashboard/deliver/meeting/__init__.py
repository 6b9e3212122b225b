"""Forum meetings: the situation board (``board``), meeting sequences (``sequence``, ``player``, and
``editor`` for saving them in the browser), views pinned to a moment (``dashboard.core.pin``) and the
PDF pre-read (``pdf``).

Everything here reads through the same builders as the rest of the dashboard (``dashboard.judge.goals``,
``dashboard.draw.charts``); this package only arranges their results for a projector and for paper.
"""
