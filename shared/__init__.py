"""The ground floor every app stands on: infrastructure and the suite's tooling.

No domain code, and no app by name: which apps exist is data in ``deploy/apps.toml``
(``shared.registry``).
"""
