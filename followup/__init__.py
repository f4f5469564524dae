"""followup: a typed client (``followup.client``) and the ``followup`` command line
(``followup.cli``) of the follow-up suite, for reporting scripts and BI loads.

The client needs only httpx; the command line adds typer and rich.
"""
