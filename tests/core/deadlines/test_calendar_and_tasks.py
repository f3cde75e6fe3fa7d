"""The region calendar and the home page's task list: each date for exactly the people it concerns."""
from __future__ import annotations

import datetime as dt

from core.testing import make_user
from tests.core.agreements.conftest import drafted_and_sent, sign_as

from .conftest import TODAY, set_settings, text

CALENDAR = "/regio/rmc-19/kalender"


def test_the_calendar_shows_the_enabled_instruments_dates_coming_and_past_and_filters(world, clock):
    set_settings(world.app, "rmc-19", "hello", deadline="2026-12-20")
    coord = world.client("coord@example.nl")
    page = text(coord.get(CALENDAR))
    assert "Groeten plaatsen" in page and "20 december 2026" in page and "daarna vergrendeld" in page
    assert "Groeten plaatsen" not in text(coord.get(CALENDAR + "?wanneer=voorbij"))
    assert "Groeten plaatsen" in text(coord.get(CALENDAR + "?wanneer=alle&instrument=hello"))
    assert "Groeten plaatsen" not in text(coord.get(CALENDAR + "?wanneer=alle&soort=sign"))
    # Once the date has passed it moves to "voorbij".
    set_settings(world.app, "rmc-19", "hello", deadline="2026-11-01")
    assert "Groeten plaatsen" not in text(coord.get(CALENDAR))
    assert "Groeten plaatsen" in text(coord.get(CALENDAR + "?wanneer=voorbij"))
    # Another region's user sees nothing of it.
    make_user(world.app, "rotterdam-admin@example.nl", org="MC29", role="admin")
    assert world.client("rotterdam-admin@example.nl").get(CALENDAR).status_code == 404


def test_a_report_date_is_a_task_for_editors_of_the_organisations_concerned_only(world, clock):
    set_settings(world.app, "rmc-19", "hello", deadline="2026-12-20")
    editor = text(world.client("invoer@example.nl").get("/"))
    assert "In te vullen vóór 20 december 2026:" in editor and "Groeten plaatsen" in editor
    viewer = text(world.client("lezer@example.nl").get("/"))
    assert "Groeten plaatsen" not in viewer and "Mijn taken" not in viewer
    # A date passed long ago leaves the task list (the calendar keeps it).
    set_settings(world.app, "rmc-19", "hello", deadline="2026-11-01")
    assert "Groeten plaatsen" not in text(world.client("invoer@example.nl").get("/"))


def test_te_ondertekenen_names_the_version_and_who_signed_and_leaves_once_signed(world, clock):
    agreement_id = drafted_and_sent(world)
    assert sign_as(world, "GM0344", agreement_id).status_code == 302
    debilt = text(world.client("teken-debilt@example.nl").get("/"))
    assert "Te ondertekenen" in debilt and "Groetconvenant Utrecht" in debilt
    assert "versie 1; al ondertekend door: Gemeente Utrecht" in debilt
    utrecht = text(world.client("teken-utrecht@example.nl").get("/"))
    assert "Te ondertekenen" not in utrecht  # Utrecht signed
    assert "Te ondertekenen" not in text(world.client("invoer@example.nl").get("/"))  # an editor does not sign


def test_mandates_ending_soon_are_a_task_for_the_admins_of_that_organisation(world, clock):
    make_user(world.app, "admin-debilt@example.nl", org="GM0310", role="admin")
    make_user(world.app, "tijdelijk@example.nl", org="GM0310", role="editor", ends_on=TODAY + dt.timedelta(days=20))
    admin = text(world.client("admin-debilt@example.nl").get("/"))
    assert "Loopt binnenkort af" in admin and "Rol van tijdelijk als invoerder bij Gemeente De Bilt loopt af" in admin
    # Not for another organisation's admin, and not in the region calendar of others.
    assert "tijdelijk" not in text(world.client("coord@example.nl").get("/"))
    assert "tijdelijk" not in text(world.client("coord@example.nl").get(CALENDAR))
    assert "tijdelijk" in text(world.client("admin-debilt@example.nl").get(CALENDAR))


def test_an_ended_mandate_is_told_as_such_instead_of_not_linked(world, clock):
    make_user(world.app, "oud@example.nl", org="GM0344", role="signatory", ends_on=dt.date(2026, 12, 1))
    page = text(world.client("oud@example.nl").get("/"))
    assert "Uw rol als ondertekenaar bij Gemeente Utrecht is op 1 december 2026 afgelopen." in page
    assert "nog niet gekoppeld" not in page
