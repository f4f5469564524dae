"""``python -m followup``: the same as the ``followup`` command."""

from followup.cli import main

main()
