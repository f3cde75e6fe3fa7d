"""No lost update on the realisation per goal: a form save never overwrites a save it did not see.

SQLite, through the test client: a save with the version the form was shown with, after someone else's save (form
or Excel import), is refused (409) with "Iemand anders heeft dit intussen gewijzigd" and the other person's values;
a first entry that someone else made at the same moment is "net door iemand anders ingevoerd", never a 500.
PostgreSQL (TEST_DATABASE_URL=postgresql://…; skipped elsewhere): ten real concurrent first entries and ten
concurrent saves of one shown realisation each store exactly one.
"""
from __future__ import annotations

import html
import io
import os
import re
from decimal import Decimal

import pytest

from core.testing import login, make_user
from tests.interleave import race, someone_else_first

from .conftest import BASE, org_id, stored, xlsx

CHANGED = "Iemand anders heeft dit intussen gewijzigd"
CLASH = "net door iemand anders ingevoerd"


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _version(page: str) -> str:
    return re.search(r'<input[^>]*name="version"[^>]*>', page).group(0).split('value="')[1].split('"')[0]


def _open(client, agenda, code="K1", year=2025) -> str:
    """The realisation form opened from the table's link for `code` and `year`: its hidden version."""
    return _version(client.get(f"{BASE}/agenda/{agenda}/realisatie?doel={code}&jaar={year}").get_data(as_text=True))


def _save(client, agenda, value, version, note=""):
    return client.post(f"{BASE}/agenda/{agenda}/realisatie",
                       data={"goal": "K1", "year": "2025", "value": value, "note": note, "version": version})


def _values(app):
    return [(r["goal_code"], r["year"], r["value"]) for r in stored(app, "Realisation")]


def test_a_save_over_someone_elses_newer_save_is_refused_with_their_values_then_made_knowingly(app, users, client_of,
                                                                                             agenda):
    roc = client_of("roc")
    assert _save(roc, agenda, "8,4", "").status_code == 303
    mine = _open(roc, agenda)
    other = app.test_client()  # the same editor in another browser
    assert login(other, users["roc"]).status_code == 302
    assert _save(other, agenda, "8,1", _open(other, agenda), note="Na herberekening").status_code == 303
    refused = _save(roc, agenda, "7,9", mine)
    assert refused.status_code == 409
    page = _text(refused.get_data(as_text=True))
    assert CHANGED in page and "Nu opgeslagen" in page and "Realisatie 8,10" in page and "Na herberekening" in page
    assert 'value="7,9"' in refused.get_data(as_text=True)  # the user's own input stays in the form
    assert _values(app) == [("K1", 2025, Decimal("8.10"))]
    again = _save(roc, agenda, "7,9", _version(refused.get_data(as_text=True)))
    assert again.status_code == 303
    assert _values(app) == [("K1", 2025, Decimal("7.90"))]


def test_an_excel_import_after_the_form_was_opened_refuses_the_forms_save(app, client_of, agenda):
    roc = client_of("roc")
    assert _save(roc, agenda, "8,4", "").status_code == 303
    shown = _open(roc, agenda)
    url = f"{BASE}/excel/kwaliteitsagenda-realisatie/"
    response = roc.post(url, data={"file": (io.BytesIO(xlsx([["25LH", "2024-2027", "K1", 2025, 8.2, None]])),
                                            "r.xlsx")}, content_type="multipart/form-data")
    assert roc.post(response.headers["Location"] + "bevestigen").status_code == 303
    refused = _save(roc, agenda, "7,9", shown)
    assert refused.status_code == 409 and "Realisatie 8,20" in _text(refused.get_data(as_text=True))
    assert _values(app) == [("K1", 2025, Decimal("8.20"))]


def test_an_entry_over_a_stored_realisation_not_seen_saves_nothing(app, client_of, agenda):
    roc = client_of("roc")
    assert _save(roc, agenda, "8,4", "").status_code == 303
    unseen = _save(roc, agenda, "7,9", "")  # the form opened blank, the realisation stored meanwhile
    assert unseen.status_code == 409 and "Realisatie 8,40" in _text(unseen.get_data(as_text=True))
    assert _values(app) == [("K1", 2025, Decimal("8.40"))]


def test_a_first_entry_made_at_the_same_moment_by_someone_else_is_a_conflict_not_an_error(app, client_of, agenda):
    """The other insert lands between the form's look-up and its own insert: a unique-key clash, not a 500."""
    from plugins.kwaliteitsagenda.models import Realisation

    roc = client_of("roc")
    with someone_else_first(app, Realisation, "INSERT INTO kwaliteitsagenda_realisation (region_id, organisation_id, "
                            "period, goal_code, year, value, is_demo, version) SELECT id, :o, '2024-2027', 'K1', 2025, "
                            "8.3, false, 1 FROM region WHERE slug = 'rmc-19'", {"o": org_id(app, "25LH")}) as happened:
        response = _save(roc, agenda, "7,9", "")
    assert happened
    assert response.status_code == 409
    page = _text(response.get_data(as_text=True))
    assert CLASH in page and "Realisatie 8,30" in page
    assert _values(app) == [("K1", 2025, Decimal("8.30"))]


# --- PostgreSQL: real concurrent requests ------------------------------------------------------------------------

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
needs_postgres = pytest.mark.skipif(
    not PG_URL.startswith("postgresql"),
    reason="needs PostgreSQL for real concurrent transactions: set TEST_DATABASE_URL=postgresql://…")


def _editors(app, count):
    clients = []
    for i in range(count):
        make_user(app, f"invoer{i}@rocmn.example", org="25LH", role="editor")
        client = app.test_client()
        assert login(client, f"invoer{i}@rocmn.example").status_code == 302
        clients.append(client)
    return clients


@needs_postgres
def test_ten_simultaneous_first_entries_store_one_and_never_fail(app, client_of, agenda):
    clients = _editors(app, 10)
    responses = race(lambda i: _save(clients[i], agenda, f"{7 + i},5", ""), 10)
    assert not [r for r in responses if isinstance(r, BaseException)], responses
    assert sorted(r.status_code for r in responses) == [303] + [409] * 9
    winner = next(i for i, r in enumerate(responses) if r.status_code == 303)
    assert _values(app) == [("K1", 2025, Decimal(f"{7 + winner}.50"))]
    assert all(CLASH in _text(r.get_data(as_text=True)) for r in responses if r.status_code == 409)


@needs_postgres
def test_ten_simultaneous_saves_of_one_shown_realisation_store_exactly_one(app, client_of, agenda):
    assert _save(client_of("roc"), agenda, "8,4", "").status_code == 303
    clients = _editors(app, 10)
    shown = _open(clients[0], agenda)
    responses = race(lambda i: _save(clients[i], agenda, f"{7 + i},5", shown), 10)
    assert not [r for r in responses if isinstance(r, BaseException)], responses
    assert sorted(r.status_code for r in responses) == [303] + [409] * 9
    winner = next(i for i, r in enumerate(responses) if r.status_code == 303)
    assert _values(app) == [("K1", 2025, Decimal(f"{7 + winner}.50"))]
    assert all(f"Realisatie {7 + winner},50" in _text(r.get_data(as_text=True))
               for r in responses if r.status_code == 409)
