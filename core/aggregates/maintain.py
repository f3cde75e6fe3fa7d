"""Keeping the sums right: recomputed for every region whose rows a transaction changes, in that transaction.

An ORM flush that creates, changes or deletes a row of a declared model
recomputes that model's sums for the regions concerned (a grouped query over
one region's rows, not the whole table); the Excel engine writes its rows with
Core statements and calls `touch` itself. Recomputing a region's sums rather
than adding differences keeps them equal to the rows whatever the write did
(a moved row, a changed period, a deleted region's cascade). A disabled
instrument keeps its rows and its sums (enabling it again shows the same data);
readers leave out the regions where it is disabled (core.aggregates.read).

Rows removed after their retention period (core.retention.apply) leave their part of each sum behind in
`aggregate_retained` (`retain`): a stored sum is the rows' sum plus that part, whatever is recomputed later.
"""
from __future__ import annotations

from decimal import Decimal

from contextlib import contextmanager

from sqlalchemy import delete, event, inspect, insert, select
from sqlalchemy.orm import Session

from core.aggregates.declare import ALL_PERIODS, Aggregate
from core.aggregates.models import AggregateRetained, AggregateValue
from core.aggregates.read import forget
from core.regions.models import Region

# model class -> the (instrument key, declaration) pairs that sum its rows; filled while apps are built
_DECLARED: dict[type, list[tuple[str, Aggregate]]] = {}
_PENDING = "aggregates_pending"
_SUSPENDED = "aggregates_suspended"
TABLE = AggregateValue.__table__
RETAINED = AggregateRetained.__table__
CENT = Decimal("0.01")


def register(key: str, aggregates) -> None:
    """Make the listener keep `key`'s declared aggregates (called while the plugin registry is built)."""
    for agg in aggregates:
        pairs = _DECLARED.setdefault(agg.model, [])
        pairs[:] = [(k, a) for k, a in pairs if (k, a.name) != (key, agg.name)] + [(key, agg)]


def declared() -> list[tuple[str, Aggregate]]:
    """Every registered (instrument key, declaration)."""
    return [pair for pairs in _DECLARED.values() for pair in pairs]


def _grouped(agg: Aggregate, region_ids=None):
    model = agg.model
    keys = [model.region_id] + ([getattr(model, agg.period)] if agg.period else [])
    if agg.split_by:
        keys.append(getattr(model, agg.split_by))
    stmt = select(*keys, *[expr.label(f"m_{name}") for name, expr in agg.measures.items()]).group_by(*keys)
    if agg.where is not None:
        stmt = stmt.where(agg.where)
    if region_ids is not None:
        stmt = stmt.where(model.region_id.in_(sorted(region_ids)))
    return stmt


def _values(conn, key: str, agg: Aggregate, region_ids=None):
    """(key, aggregate, region, period, measure) -> value, straight from the rows."""
    out = {}
    measures = list(agg.measures)
    width = 1 + bool(agg.period) + bool(agg.split_by)
    for row in conn.execute(_grouped(agg, region_ids)):
        region_id, period = row[0], (row[1] if agg.period else ALL_PERIODS)
        if period is None:
            continue
        split = row[width - 1] if agg.split_by else None
        for name, value in zip(measures, row[width:]):
            if value is None:
                continue
            measure = name if not agg.split_by else f"{name}:{'' if split is None else split}"
            out[(key, agg.name, region_id, str(period), measure)] = Decimal(value).quantize(CENT)
    return out


def _retained(conn, key: str, agg: Aggregate, region_ids=None) -> dict:
    """What removed rows contributed to `agg`'s sums (keyed as `_values`)."""
    stmt = select(RETAINED).where(RETAINED.c.instrument == key, RETAINED.c.aggregate == agg.name)
    if region_ids is not None:
        stmt = stmt.where(RETAINED.c.region_id.in_(sorted(region_ids)))
    return {(r.instrument, r.aggregate, r.region_id, r.period, r.measure): Decimal(r.value).quantize(CENT)
            for r in conn.execute(stmt)}


def _sums(conn, key: str, agg: Aggregate, region_ids=None) -> dict:
    """What the table must hold for `agg`: the rows' sums plus what removed rows left behind."""
    out = _values(conn, key, agg, region_ids)
    for k, v in _retained(conn, key, agg, region_ids).items():
        out[k] = out.get(k, Decimal(0)) + v
    return out


def _write(conn, key: str, agg: Aggregate, region_ids) -> None:
    conn.execute(delete(TABLE).where(TABLE.c.instrument == key, TABLE.c.aggregate == agg.name,
                                     TABLE.c.region_id.in_(sorted(region_ids))))
    rows = [dict(instrument=k, aggregate=a, region_id=r, period=p, measure=m, value=v)
            for (k, a, r, p, m), v in _sums(conn, key, agg, region_ids).items()]
    if rows:
        conn.execute(insert(TABLE), rows)


def touch(session: Session, model: type, region_ids) -> None:
    """Recompute every sum over `model`'s rows in `region_ids`, now, in the session's transaction."""
    region_ids = {r for r in region_ids if r is not None}
    if not region_ids or model not in _DECLARED:
        return
    forget()
    conn = session.connection()
    lock_regions(conn, region_ids)
    for key, agg in _DECLARED.get(model, ()):
        _write(conn, key, agg, region_ids)


def lock_regions(conn, region_ids) -> None:
    """Hold the regions' rows (FOR NO KEY UPDATE, in id order: no deadlock between two writers) until the commit.

    Two transactions that change figures of one region recompute its sums one after the other: the second
    reads the first's committed rows (a new snapshot per statement) and neither insert clashes on the
    sums' unique key. SQLite has one writer at a time and needs no lock.
    """
    if conn.dialect.name == "sqlite":
        return
    # FOR NO KEY UPDATE: a figure row's foreign key already holds FOR KEY SHARE on its region, which this does not
    # wait for (FOR UPDATE would, and two writers would deadlock); it does wait for the other writer's own lock
    conn.execute(select(Region.id).where(Region.id.in_(sorted(region_ids))).order_by(Region.id)
                 .with_for_update(key_share=True))


def recomputed(session: Session) -> dict:
    """Every declared sum computed from the rows now (what the table must hold); nothing is written."""
    conn = session.connection()
    out = {}
    for key, agg in declared():
        out.update(_sums(conn, key, agg))
    return out


@contextmanager
def suspended(session: Session):
    """Within the block, flushes recompute no sums (a retention removal keeps them as they were)."""
    session.info[_SUSPENDED] = True
    try:
        yield
    finally:
        session.info.pop(_SUSPENDED, None)
        session.info.pop(_PENDING, None)


def retain(session: Session, model: type, region_ids, remove) -> int:
    """Call `remove()` (it deletes rows of `model` in `region_ids` and returns how many) without changing a
    stored sum: what the removed rows contributed is kept in aggregate_retained; returns remove()'s answer."""
    conn = session.connection()
    region_ids = {r for r in region_ids if r is not None}
    pairs = list(_DECLARED.get(model, ()))
    before = {(key, agg.name): _values(conn, key, agg, region_ids) for key, agg in pairs}
    with suspended(session):
        removed = remove()
        session.flush()
    for key, agg in pairs:
        after = _values(conn, key, agg, region_ids)
        kept = _retained(conn, key, agg, region_ids)
        changed = {}
        for k, v in before[(key, agg.name)].items():
            part = v - after.get(k, Decimal(0))
            if part:
                changed[k] = kept.get(k, Decimal(0)) + part
        if not changed:
            continue
        for (k, a, r, p, m) in changed:
            conn.execute(delete(RETAINED).where(RETAINED.c.instrument == k, RETAINED.c.aggregate == a,
                                                RETAINED.c.region_id == r, RETAINED.c.period == p,
                                                RETAINED.c.measure == m))
        conn.execute(insert(RETAINED), [dict(instrument=k, aggregate=a, region_id=r, period=p, measure=m, value=v)
                                        for (k, a, r, p, m), v in changed.items()])
    return removed


def stored(session: Session) -> dict:
    """Every sum the table holds, keyed as `recomputed`'s."""
    return {(r.instrument, r.aggregate, r.region_id, r.period, r.measure): Decimal(r.value).quantize(CENT)
            for r in session.connection().execute(select(TABLE))}


def rebuild(session: Session) -> int:
    """Recompute the whole table from the rows (after an upgrade, or a write outside the app); returns its size."""
    forget()
    conn = session.connection()
    conn.execute(delete(TABLE))
    rows = [dict(instrument=k, aggregate=a, region_id=r, period=p, measure=m, value=v)
            for (k, a, r, p, m), v in recomputed(session).items()]
    if rows:
        conn.execute(insert(TABLE), rows)
    return len(rows)


def _region_ids(obj, *, old: bool) -> set:
    state = inspect(obj)
    attr = state.attrs.region_id
    ids = set()
    if old:
        history = attr.history
        ids.update(history.deleted or ())
        ids.update(history.unchanged or ())
        ids.add(obj.region_id)  # loads it when expired (a row deleted after a commit): the row is still there
    else:
        ids.add(obj.region_id)
    return ids


@event.listens_for(Session, "before_flush")
def _before_flush(session, flush_context, instances) -> None:
    """Note the regions a flush takes rows from (deleted rows, and the old region of moved ones)."""
    if not _DECLARED or session.info.get(_SUSPENDED):
        return
    pending = session.info.setdefault(_PENDING, {})
    for obj in (*session.deleted, *session.dirty):
        model = type(obj)
        if model in _DECLARED and (obj in session.deleted or session.is_modified(obj)):
            pending.setdefault(model, set()).update(_region_ids(obj, old=True))


@event.listens_for(Session, "after_flush")
def _after_flush(session, flush_context) -> None:
    """Recompute the sums of every region the flush wrote rows of a declared model in."""
    pending = session.info.pop(_PENDING, {})
    if not _DECLARED or session.info.get(_SUSPENDED):
        return
    for obj in (*session.new, *session.dirty):
        model = type(obj)
        if model in _DECLARED and obj not in session.deleted:
            pending.setdefault(model, set()).update(_region_ids(obj, old=False))
    for model, region_ids in pending.items():
        touch(session, model, region_ids)
