"""The suite's command line: migrations, seed data and API keys for every store in the registry
(each service's, and the gateway's follow-up cycle store).

    python -m shared.cli migrate [--down] [SERVICE ...]
    python -m shared.cli seed [SERVICE ...]
    python -m shared.cli keys create --name NAME --scope write [--org-unit SUS ...]
    python -m shared.cli keys list | keys revoke KEY_ID
    python -m shared.cli dev-key           # the local admin key `make run` prints

A key is written, hashed, to every store, so one token works everywhere.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import sqlalchemy as sa

from shared.db import make_engine
from shared.keys import SCOPES, NewKey, generate_key, parse_token, store_key
from shared.migrations import downgrade, upgrade
from shared.reference import org_units
from shared.registry import app, service_names, store_names
from shared.settings import REPO_ROOT
from shared.spec import ServiceSpec
from shared.store import utcnow

DEV_KEY_FILE = REPO_ROOT / "var" / "admin.key"


def load_spec(name: str) -> ServiceSpec:
    return app(name).load_spec()


def _specs(names: list[str]) -> list[ServiceSpec]:
    """The stores named (every store-owning app of the registry when none are)."""
    known = store_names()
    for name in names:
        if name not in known:
            raise SystemExit(f"unknown service {name!r}; choose from {', '.join(known)}")
    return [load_spec(n) for n in (names or known)]


def _engine(spec: ServiceSpec) -> sa.Engine:
    return make_engine(spec.settings_factory().database_url, spec.metadata.schema or spec.name)


def migrate(names: list[str], down: bool = False) -> None:
    for spec in _specs(names):
        (downgrade if down else upgrade)(spec)
        print(f"{spec.name}: {'downgraded to base' if down else 'at head'}")


def seed(names: list[str]) -> None:
    for spec in _specs(names):
        if spec.seed is None:
            continue
        engine = _engine(spec)
        loaded = spec.load_seed(engine)
        engine.dispose()
        print(
            f"{spec.name}: {'loaded ' + str(loaded) + ' seed rows' if loaded else 'already has data'}"
        )


def create_key(name: str, scopes: list[str], units: list[str], key: NewKey | None = None) -> NewKey:
    unknown = [u for u in units if u not in org_units()]
    if unknown:
        raise SystemExit(f"unknown org unit(s): {', '.join(unknown)}")
    key = key or generate_key()
    for spec in _specs([]):
        engine = _engine(spec)
        with engine.begin() as conn:
            store_key(conn, spec.infrastructure, key, name, scopes, units)
        engine.dispose()
    return key


def list_keys() -> None:
    spec = load_spec(service_names()[0])
    engine = _engine(spec)
    with engine.connect() as conn:
        for row in conn.execute(sa.select(spec.infrastructure.api_key)).all():
            state = "revoked" if row.revoked_at else "active"
            print(f"{row.id}\t{row.name}\t{row.scopes}\t{row.org_units or '*'}\t{state}")
    engine.dispose()


def revoke_key(key_id: str) -> None:
    for spec in _specs([]):
        engine = _engine(spec)
        table = spec.infrastructure.api_key
        with engine.begin() as conn:
            conn.execute(sa.update(table).where(table.c.id == key_id).values(revoked_at=utcnow()))
        engine.dispose()
    print(f"revoked {key_id}")


def _store_where_missing(key: NewKey, name: str) -> None:
    """Write an existing admin key to every store that lacks it."""
    for spec in _specs([]):
        engine = _engine(spec)
        t = spec.infrastructure.api_key
        with engine.begin() as conn:
            if conn.execute(sa.select(t.c.id).where(t.c.id == key.id)).first() is None:
                store_key(conn, spec.infrastructure, key, name, ["admin"], [])
        engine.dispose()


def dev_key() -> str:
    """The local admin key: made once, kept in var/ (never committed), reused after. A
    store that does not know it yet (one added since it was made) is given it."""
    if DEV_KEY_FILE.exists():
        token = DEV_KEY_FILE.read_text().strip()
        parsed = parse_token(token)
        spec = load_spec(service_names()[0])
        engine = _engine(spec)
        with engine.connect() as conn:
            t = spec.infrastructure.api_key
            found = parsed and conn.execute(sa.select(t.c.id).where(t.c.id == parsed[0])).first()
        engine.dispose()
        if found and parsed:
            _store_where_missing(NewKey(parsed[0], parsed[1], token), "local admin (make run)")
            return token
    key = create_key("local admin (make run)", ["admin"], [])
    Path(DEV_KEY_FILE).parent.mkdir(parents=True, exist_ok=True)
    DEV_KEY_FILE.write_text(key.token + "\n")
    DEV_KEY_FILE.chmod(0o600)
    return key.token


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m shared.cli",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("migrate", help="upgrade (or --down) the services' schemas")
    p.add_argument("services", nargs="*")
    p.add_argument("--down", action="store_true")
    p = sub.add_parser("seed", help="load the real data shipped in the repo into empty stores")
    p.add_argument("services", nargs="*")
    sub.add_parser("dev-key", help="print the local admin key, making it if needed")
    keys = sub.add_parser("keys", help="API keys").add_subparsers(dest="action", required=True)
    k = keys.add_parser("create")
    k.add_argument("--name", required=True)
    k.add_argument("--scope", choices=SCOPES, required=True)
    k.add_argument("--org-unit", action="append", default=[])
    keys.add_parser("list")
    r = keys.add_parser("revoke")
    r.add_argument("key_id")
    args = parser.parse_args(argv)

    if args.command == "migrate":
        migrate(args.services, args.down)
    elif args.command == "seed":
        seed(args.services)
    elif args.command == "dev-key":
        print(dev_key())
    elif args.action == "create":
        key = create_key(args.name, [args.scope], args.org_unit)
        print(f"key id {key.id}; the token is shown once:\n{key.token}")
    elif args.action == "list":
        list_keys()
    else:
        revoke_key(args.key_id)


if __name__ == "__main__":
    main(sys.argv[1:])
