"""The upstream machinery: how the gateway calls a service, whatever it asks it for.

``transport`` (the httpx client), ``upstream`` (breaker, deadline, retry, metrics and the
one place an answer's status is judged), ``errors`` (the kinds of failure and the problem
each becomes), ``breaker``, ``coalesce`` (single flight) and ``metrics``. Nothing here
knows the follow-up view.
"""
