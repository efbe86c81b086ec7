"""rapidyaml (C++) behind ``yamlio``: the fast YAML parse (``build``) and fast locations in YAML
(``locate``) and JSON (``json_locate``) texts. ``binding`` is the only module importing ``ryml``.

Each answers ``SLOW`` whenever it is not sure, and the reference path (PyYAML, the stdlib walk)
decides. Nothing here widens what is accepted: it only makes the common case fast.
"""

SLOW = object()  # what a fast path answers when it declines: the reference path decides


class NotFast(Exception):
    """Raised inside a fast path that declines; its entry point catches it and answers SLOW."""
