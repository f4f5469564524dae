"""A sample service: one table of things, written and listed the way real services do."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, FastAPI, Header, Request
from pydantic import BaseModel
from pydantic_settings import SettingsConfigDict
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from shared.app import AuditDep, EngineDep, FeedDep, SessionDep, create_service_app
from shared.bulk import LoadMode, LoadReport, read_rows, reject_if_atomic, upsert, validate_rows
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
    from sqlmodel import Session

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
    row = session.execute(sa.select(THING).where(THING.c.code == code)).first()
    if row is None:
        raise NotFound(f"No thing {code!r}.")
    writer.check_org_unit(row.org_unit)
    session.execute(sa.delete(THING).where(THING.c.code == code))
    feed.bury(session, "thing", [code], feed.allocate(session))
    audit.record(session, writer.key_id, "delete", "thing", code, None)
    session.commit()


def build_app(url: str, max_body_bytes: int = 10_000) -> FastAPI:
    settings = SampleSettings(database_url=url, max_body_bytes=max_body_bytes, key_cache_seconds=0)
    _ = utcnow
    return create_service_app(
        SPEC, title="sample", description="sample", routers=[router], settings=settings
    )
