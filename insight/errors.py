"""What a user did or asked that cannot be answered, apart from what broke.

Every front end (the command line, an HTTP server) shows an :class:`InsightError` as one line
and a refusal; anything else is an internal failure, never reported as the user's fault.
"""
from __future__ import annotations


class InsightError(Exception):
    """A one-line reason the user can act on: a bad option, an unknown user, refused SQL, …"""
