"""No lost update on the vsv figures (issue 17): a form never overwrites a change it did not see.

* SQLite, through the test client: a save with the version the form was shown with, after someone else's save,
  is refused with "Iemand anders heeft dit intussen gewijzigd" and the stored values; a report of a figure that
  was just reported becomes "is net door iemand anders ingevoerd"; a form save and an import confirm never
  overwrite each other unseen; the audit's "before" is the value the save replaced.
* PostgreSQL (TEST_DATABASE_URL=postgresql://…; skipped with that reason elsewhere), with real concurrent
  requests, each thread its own test client against one app: 20 saves of the same figure, 20 reports of the
  same new figure, and a form save while an import's confirm holds its row locks.
"""
from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import create_engine, select, text

from core.testing import make_user
from tests.interleave import someone_else_first

from .conftest import (BASE, UTRECHT, confirm, edit, figures, hidden_version, org_id, report, signed_in, text_of,
                       upload, workbook)

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
needs_postgres = pytest.mark.skipif(
    not PG_URL.startswith("postgresql"),
    reason="needs PostgreSQL for real concurrent transactions: set TEST_DATABASE_URL=postgresql://…")
CHANGED = "Iemand anders heeft dit intussen gewijzigd"
CLASH = "net door iemand anders ingevoerd"
YEAR = "2025-2026"


def _figure_id(app):
    from core.db import db_session
    from plugins.vsv.models import VsvFigure

    with app.app_context():
        return db_session().scalar(select(VsvFigure.id).where(VsvFigure.school_year == YEAR,
                                                              VsvFigure.brin.is_(None)))


def _updates(app, figure_id):
    """(before, after) of every audited update of the figure, oldest first, as (participants, new vsv'ers)."""
    from core.audit.models import AuditEntry
    from core.db import db_session

    with app.app_context():
        entries = db_session().scalars(select(AuditEntry).where(
            AuditEntry.object_type == "vsv_figure", AuditEntry.object_id == str(figure_id),
            AuditEntry.action == "update").order_by(AuditEntry.seq)).all()
        return [((e.before["participants"], e.before["new_leavers"]),
                 (e.after["participants"], e.after["new_leavers"])) for e in entries]


@pytest.fixture
def stored(users, clock):
    """Utrecht's own figures for 2025-2026 (1.200 participants, 30 new vsv'ers), reported by form."""
    assert report(signed_in(users, UTRECHT), YEAR, org_id(users, "GM0344"), "1200", "30").status_code == 303
    return _figure_id(users)


def test_a_save_after_someone_elses_is_refused_with_their_values_and_can_then_be_made_knowingly(users, stored):
    app, figure_id = users, stored
    mine, theirs = signed_in(app, UTRECHT), signed_in(app, UTRECHT)
    shown = hidden_version(mine.get(f"{BASE}/cijfers/{figure_id}").get_data(as_text=True))
    assert edit(theirs, figure_id, "1300", "40").status_code == 303
    refused = mine.post(f"{BASE}/cijfers/{figure_id}",
                        data={"participants": "1250", "new_leavers": "31", "version": shown})
    assert refused.status_code == 409
    page = text_of(refused.get_data(as_text=True))
    assert CHANGED in page and "Nu opgeslagen Deelnemers 1.300 Nieuwe vsv'ers 40" in page
    assert 'value="1250"' in refused.get_data(as_text=True)  # the user's own input stays in the form
    assert figures(app) == [(YEAR, "GM0344", None, 1300, 40)]
    # saving the form as shown again replaces the other person's values, knowingly
    again = mine.post(f"{BASE}/cijfers/{figure_id}", data={
        "participants": "1250", "new_leavers": "31", "version": hidden_version(refused.get_data(as_text=True))})
    assert again.status_code == 303
    assert figures(app) == [(YEAR, "GM0344", None, 1250, 31)]
    assert _updates(app, figure_id) == [((1200, 30), (1300, 40)), ((1300, 40), (1250, 31))]


def test_a_form_without_the_version_it_was_shown_with_saves_nothing(users, stored):
    response = signed_in(users, UTRECHT).post(f"{BASE}/cijfers/{stored}",
                                              data={"participants": "1", "new_leavers": "0"})
    assert response.status_code == 409 and CHANGED in text_of(response.get_data(as_text=True))
    assert figures(users) == [(YEAR, "GM0344", None, 1200, 30)]


def test_a_report_that_clashes_with_one_inserted_at_the_same_moment_shows_the_stored_figures(users, clock):
    """The other insert lands between the form's look-up and its own insert: a unique-key clash, not a 500."""
    from plugins.vsv.models import VsvFigure

    app = users
    utrecht = org_id(app, "GM0344")
    with someone_else_first(app, VsvFigure, "INSERT INTO vsv_figure (region_id, organisation_id, school_year, "
                            "participants, new_leavers, is_demo, version) SELECT id, :o, :y, 900, 9, false, 1 "
                            "FROM region WHERE slug = 'rmc-19'", {"o": utrecht, "y": YEAR}) as happened:
        response = report(signed_in(app, UTRECHT), YEAR, utrecht, "1200", "30")
    assert happened
    assert response.status_code == 409
    page = text_of(response.get_data(as_text=True))
    assert CLASH in page and "Deelnemers 900 Nieuwe vsv'ers 9" in page
    assert figures(app) == [(YEAR, "GM0344", None, 900, 9)]


def test_a_form_save_between_preview_and_confirm_makes_the_import_stale(users, stored):
    app, figure_id = users, stored
    client = signed_in(app, UTRECHT)
    location, _page = upload(client, workbook([[YEAR, "GM0344", 1200, 50]]))
    assert edit(signed_in(app, UTRECHT), figure_id, "1250", "31").status_code == 303
    response = confirm(client, location)
    assert "De gegevens zijn gewijzigd sinds u het bestand uploadde" in text_of(
        client.get(response.headers["Location"]).get_data(as_text=True) if response.status_code in (302, 303)
        else response.get_data(as_text=True))
    assert figures(app) == [(YEAR, "GM0344", None, 1250, 31)]


def test_an_import_confirmed_after_the_form_was_opened_refuses_the_forms_save(users, stored):
    app, figure_id = users, stored
    form = signed_in(app, UTRECHT)
    shown = hidden_version(form.get(f"{BASE}/cijfers/{figure_id}").get_data(as_text=True))
    importer = signed_in(app, UTRECHT)
    location, _page = upload(importer, workbook([[YEAR, "GM0344", 1200, 50]]))
    assert confirm(importer, location).status_code in (302, 303)
    assert figures(app) == [(YEAR, "GM0344", None, 1200, 50)]
    refused = form.post(f"{BASE}/cijfers/{figure_id}",
                        data={"participants": "1250", "new_leavers": "31", "version": shown})
    assert refused.status_code == 409
    assert "Deelnemers 1.200 Nieuwe vsv'ers 50" in text_of(refused.get_data(as_text=True))
    assert figures(app) == [(YEAR, "GM0344", None, 1200, 50)]


# --- PostgreSQL: real concurrent requests ------------------------------------------------------------------------

def _race(work, count):
    """Run work(i) in `count` threads released together; the results in thread order."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i):
        barrier.wait()
        try:
            results[i] = work(i)
        except BaseException as exc:  # noqa: BLE001 - reported below
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
        assert not t.is_alive(), "a request hung: a lock was never released"
    return results


def _editors(app, count):
    emails = [f"invoer{i}@vsv.example" for i in range(count)]
    for email in emails:
        make_user(app, email, org="GM0344", role="editor")
    return [signed_in(app, email) for email in emails]


@needs_postgres
def test_twenty_simultaneous_saves_of_one_figure_store_exactly_one(users, stored):
    app, figure_id = users, stored
    clients = _editors(app, 20)
    shown = hidden_version(clients[0].get(f"{BASE}/cijfers/{figure_id}").get_data(as_text=True))

    def save(i):
        return clients[i].post(f"{BASE}/cijfers/{figure_id}",
                               data={"participants": str(2000 + i), "new_leavers": str(i), "version": shown})

    responses = _race(save, 20)
    assert not [r for r in responses if isinstance(r, BaseException)], responses
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [303] + [409] * 19
    winner = next(i for i, r in enumerate(responses) if r.status_code == 303)
    assert figures(app) == [(YEAR, "GM0344", None, 2000 + winner, winner)]
    for response in responses:
        if response.status_code == 409:
            page = text_of(response.get_data(as_text=True))
            assert CHANGED in page and f"Nu opgeslagen Deelnemers {2000 + winner:,}".replace(",", ".") in page
    assert _updates(app, figure_id) == [((1200, 30), (2000 + winner, winner))]  # one update, its true "before"


@needs_postgres
def test_twenty_simultaneous_reports_of_one_new_figure_store_one_and_never_fail(users, clock):
    app = users
    clients = _editors(app, 20)
    utrecht = org_id(app, "GM0344")
    responses = _race(lambda i: report(clients[i], YEAR, utrecht, str(1000 + i), str(i)), 20)
    assert not [r for r in responses if isinstance(r, BaseException)], responses
    assert sorted(r.status_code for r in responses) == [303] + [409] * 19
    winner = next(i for i, r in enumerate(responses) if r.status_code == 303)
    assert figures(app) == [(YEAR, "GM0344", None, 1000 + winner, winner)]
    for response in responses:
        if response.status_code == 409:
            page = text_of(response.get_data(as_text=True))
            assert CLASH in page and f"Nieuwe vsv'ers {winner} " in page


@needs_postgres
def test_a_form_save_during_an_import_confirm_waits_for_it_and_is_then_refused(users, stored, monkeypatch):
    """The confirm holds its row lock (paused after the re-check); the form's save waits on it, then conflicts."""
    from core.excel import engine

    app, figure_id = users, stored
    form = signed_in(app, UTRECHT)
    shown = hidden_version(form.get(f"{BASE}/cijfers/{figure_id}").get_data(as_text=True))
    importer = signed_in(app, UTRECHT)
    location, _page = upload(importer, workbook([[YEAR, "GM0344", 1200, 50]]))
    locked, release = threading.Event(), threading.Event()
    write_diff = engine.write_diff

    def paused_write(*args, **kwargs):
        locked.set()
        assert release.wait(60)
        return write_diff(*args, **kwargs)

    monkeypatch.setattr(engine, "write_diff", paused_write)
    results = {}
    confirming = threading.Thread(target=lambda: results.update(confirm=confirm(importer, location)))
    confirming.start()
    assert locked.wait(60)
    saving = threading.Thread(target=lambda: results.update(save=form.post(
        f"{BASE}/cijfers/{figure_id}", data={"participants": "1250", "new_leavers": "31", "version": shown})))
    saving.start()
    probe = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with probe.connect() as conn:  # wait until the form's UPDATE waits for the import's transaction (row lock)
            for _ in range(1200):
                waiting = conn.execute(text("SELECT count(*) FROM pg_locks WHERE locktype = 'transactionid' "
                                            "AND NOT granted")).scalar()
                conn.rollback()
                if waiting:
                    break
                threading.Event().wait(0.05)
            assert waiting, "the form's save did not wait for the import's row lock"
    finally:
        probe.dispose()
        release.set()
        confirming.join(60)
        saving.join(60)
    assert results["confirm"].status_code in (302, 303)
    assert results["save"].status_code == 409
    assert "Deelnemers 1.200 Nieuwe vsv'ers 50" in text_of(results["save"].get_data(as_text=True))
    assert figures(app) == [(YEAR, "GM0344", None, 1200, 50)]
