"""The follow-up feature: one committee's view and the overview across committees.

Typed clients per service (``indicators``, ``assignments``, ``budget``) return read models;
``sources`` asks the three at once, ``tree`` / ``view`` / ``overview`` assemble the answer,
``export`` and ``rendering`` give it as JSON, CSV or a workbook, ``routes`` serves it.
"""
