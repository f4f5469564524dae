"""Every query of the budget service: the one way to its tables.

One module per domain, because a single module held five domains' statements in over
500 lines: ``grants``, ``budget_lines``, ``flows`` (outcomes and forecasts),
``earmarked`` and ``reported`` (what a report states as such: totals, deviations, other
figures), on the table handles and statement pieces of ``store``. Domain modules call these with values already
checked at the edge and get rows, pages (``Slice``) or counts back. Nothing here decides
a rule or commits: the domain module commits once per operation.
"""
