"""A date can concern named people (by e-mail address, any case) besides organisations and roles, and never
the members of an excluded organisation."""
from __future__ import annotations

import datetime as dt

from core.deadlines.collect import concerns
from core.deadlines.model import Deadline


def test_named_people_are_concerned_by_address_in_any_case_unless_at_an_excluded_organisation():
    d = Deadline(kind="assess", date=dt.date(2027, 1, 11), title="Beoordelen", ref="assess:1",
                 people={" Beoordelaar@Gemeente.example "}, excluded={7}, organisations={3}, roles={"admin"})
    assert d.people == frozenset({"beoordelaar@gemeente.example"})
    assert concerns(d, {}, "BEOORDELAAR@gemeente.example")
    assert concerns(d, {5: "viewer"}, "beoordelaar@gemeente.example")
    assert not concerns(d, {7: "viewer"}, "beoordelaar@gemeente.example")  # works at an excluded organisation
    assert not concerns(d, {}, "iemand@gemeente.example")
    assert concerns(d, {3: "admin"}, None)  # organisations and roles still count
    assert not concerns(d, {3: "admin", 7: "editor"}, None)
