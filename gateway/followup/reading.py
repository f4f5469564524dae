"""What the typed clients share: the base of their read models and the size of a whole list.

A read model declares the fields the gateway reads, typed, and nothing more: the service's
other fields are kept as they came (``extra="allow"``) and go out again in the view, which
shows the services' items as they list them. A field the gateway reads that a service
stops sending, renames or retypes makes the answer unreadable (an ``unexpected_body``
failure) instead of a silently wrong view; ``tests/gateway/test_contract.py`` checks the
real services against these models.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

#: The largest page a service gives (API.md): the view wants a paged list whole, in one call.
WHOLE_LIST = 10_000

#: A JSON number as a service writes it (an exact decimal there): integral ones as integers.
Number = int | float


class ReadModel(BaseModel):
    """An upstream's answer as the gateway reads it; unread fields travel on untouched."""

    model_config = ConfigDict(extra="allow")
