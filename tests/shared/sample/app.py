"""A sample service: one table of things, written and listed the way real services do."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, FastAPI, Header, Request
from pydantic import BaseModel
from pydantic_settings import SettingsConfigDict
from sqlalchemy.orm import registry
from sqlmodel import Field, Session, SQLModel
from starlette.concurrency import run_in_threadpool

from shared.app import AuditDep, EngineDep, FeedDep, SessionDep, create_service_app
from shared.bulk import (
    LoadMode,
    LoadReport,
    UpsertCounts,
    read_rows,
    reject_if_atomic,
    upsert,
    validate_rows,
)
from shared.csvstream import csv_response, wants_csv
from shared.errors import NotFound
from shared.keys import Reader, Writer
from shared.migrations import migrations_dir
from shared.paging import ListParams, Page, fetch_page, list_params, page_body
from shared.periods import PeriodField
from shared.settings import ServiceSettings
from shared.spec import ServiceSpec
from shared.store import infrastructure_tables, utcnow

metadata = sa.MetaData(schema="sample")


class SampleSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SAMPLE_", extra="ignore")
    app_name: str = "sample"
    schema_name: str = "sample"


class SampleTable(SQLModel, registry=registry(metadata=metadata)):
    pass


class Thing(SampleTable, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    org_unit: str
    amount: int
    change_seq: int = Field(sa_type=sa.BigInteger)
    updated_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


INFRA = infrastructure_tables(metadata)
SPEC = ServiceSpec("sample", metadata, INFRA, SampleSettings, migrations_dir(__file__))
THING: sa.Table = Thing.__table__  # type: ignore[attr-defined]


class ThingRow(BaseModel, extra="forbid"):
    code: str
    org_unit: str
    amount: int
    period: PeriodField | None = None


class ThingOut(BaseModel):
    id: int
    code: str
    org_unit: str
    amount: int
    change_seq: int
    updated_at: datetime


router = APIRouter(prefix="/v1")


@router.get("/things", response_model=Page[ThingOut | Any])
def list_things(
    request: Request,
    session: SessionDep,
    engine: EngineDep,
    feed: FeedDep,
    _reader: Reader,
    params: Annotated[ListParams, Depends(list_params)],
    accept: Annotated[str | None, Header()] = None,
) -> Any:
    stmt = sa.select(THING)
    if wants_csv(accept):
        cols = ["code", "org_unit", "amount"]
        return csv_response(engine, sa.select(*[THING.c[c] for c in cols]), cols, "things")
    page = fetch_page(
        session,
        stmt,
        key=THING.c.id,
        seq=THING.c.change_seq,
        updated_at=THING.c.updated_at,
        params=params,
        to_item=lambda r: ThingOut(**r._mapping),
        feed=feed,
        resource="thing",
    )
    return page_body(request, page)


@router.post("/things", response_model=LoadReport)
async def load_things(
    request: Request, writer: Writer, mode: LoadMode = LoadMode.atomic
) -> LoadReport:
    rows = await read_rows(request, {"amount"})
    good, rejected = validate_rows(rows, ThingRow)
    reject_if_atomic(mode, rejected, len(rows))
    for _, row in good:
        writer.check_org_unit(row.org_unit)

    def write() -> UpsertCounts:
        # In a worker thread: a load waiting for the change-feed lock must not hold up the
        # event loop (the writer it waits for may need the loop to finish).
        with Session(request.app.state.engine) as session:
            counts = upsert(
                session,
                THING,
                [r.model_dump(exclude={"period"}) for _, r in good],
                keys=["code"],
                values=["org_unit", "amount"],
                feed=request.app.state.feed,
            )
            request.app.state.audit.record(
                session, writer.key_id, "load", "thing", "*", {"inserted": counts.inserted}
            )
            session.commit()
        return counts

    counts = await run_in_threadpool(write)
    return LoadReport(
        inserted=counts.inserted,
        updated=counts.updated,
        unchanged=counts.unchanged,
        rejected=rejected,
    )


@router.delete("/things/{code}", status_code=204)
def delete_thing(
    code: str, session: SessionDep, feed: FeedDep, audit: AuditDep, writer: Writer
) -> None:
    # The change number first: it makes this the only writer (as loads do), so no two
    # writers wait for each other's locks in opposite orders.
    seq = feed.allocate(session)
    row = session.execute(sa.select(THING).where(THING.c.code == code)).first()
    if row is None:
        raise NotFound(f"No thing {code!r}.")
    writer.check_org_unit(row.org_unit)
    session.execute(sa.delete(THING).where(THING.c.code == code))
    feed.bury(session, "thing", [code], seq)
    audit.record(session, writer.key_id, "delete", "thing", code, None)
    session.commit()


class Move(BaseModel, extra="forbid"):
    """One write that changes a thing and deletes another (as a replacing load does)."""

    set: ThingRow
    delete: str


@router.post("/moves", status_code=204)
def move(body: Move, session: SessionDep, feed: FeedDep, audit: AuditDep, writer: Writer) -> None:
    writer.check_org_unit(body.set.org_unit)
    first = feed.allocate(session, 2)
    changed = body.set.model_dump(exclude={"period"})
    stored = session.execute(sa.select(THING.c.id).where(THING.c.code == body.set.code)).first()
    stamp = {"change_seq": first, "updated_at": utcnow()}
    if stored is None:
        session.execute(sa.insert(THING).values(**changed, **stamp))
    else:
        session.execute(sa.update(THING).where(THING.c.id == stored.id).values(**changed, **stamp))
    if body.delete != body.set.code:
        gone = session.execute(sa.delete(THING).where(THING.c.code == body.delete))
        if gone.rowcount:  # type: ignore[attr-defined]
            feed.bury(session, "thing", [body.delete], first + 1)
    audit.record(session, writer.key_id, "move", "thing", body.set.code, body.delete)
    session.commit()


@router.get("/boom")
def boom(_reader: Reader) -> None:
    """Something truly breaks: the answer is a 500 problem, with the usual headers."""
    raise RuntimeError("the sample breaks on purpose")


def build_app(url: str, max_body_bytes: int = 10_000, public_url: str = "") -> FastAPI:
    settings = SampleSettings(
        database_url=url,
        max_body_bytes=max_body_bytes,
        key_cache_seconds=0,
        public_url=public_url,
    )
    return create_service_app(
        SPEC, title="sample", description="sample", routers=[router], settings=settings
    )
