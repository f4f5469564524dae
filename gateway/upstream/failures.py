"""The three ways an HTTP exchange with an upstream fails, whichever connection it went over
(``transport`` for httpcore's, ``reads`` for the view's own); ``Upstream`` counts, retries
and turns them into an ``UpstreamFailure``."""

from __future__ import annotations


class TransportError(Exception):
    """The HTTP exchange failed before a whole answer arrived."""


class ConnectFailed(TransportError):
    """No connection could be made (refused, unreachable, connect timed out)."""


class TimedOut(TransportError):
    """Connected, but no (complete) answer in time."""


class TransportFailed(TransportError):
    """The connection broke or the answer was not HTTP."""
