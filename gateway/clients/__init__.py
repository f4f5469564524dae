"""Typed clients of the three upstream services, over the one adapter (``adapter.py``)."""
