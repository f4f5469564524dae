"""The follow-up cycle (uppföljningsprocessen): the reporting calendar, what is due, and the
committees' decided reports with their archived views and the period locks they hold.

The gateway's one room with a store of its own (schema ``followup``); everything else in
the gateway stays stateless.
"""
