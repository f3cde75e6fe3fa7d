"""The application page reads its lines in a fixed number of statements (issue 21): a partner's pledge years
come with the partner lines, not one statement per partner; more budget lines, partners and years cost none."""
from __future__ import annotations

import re

from tests.core.perf.statements import statements_of_get

from .conftest import BASE, create, org_id, text

SPLIT = {"pledged_cash": "0", "pledged_in_kind": "30.000,00", "year_in_kind_2026": "10.000,00",
         "year_in_kind_2027": "10.000,00", "year_in_kind_2028": "10.000,00"}


def _add_split_partner(app, editor, app_id, identifier):
    response = editor.post(f"{BASE}/{app_id}/partners", data={**SPLIT, "partner": org_id(app, identifier)})
    assert response.status_code == 303, text(response)


def test_the_application_page_issues_as_many_statements_with_more_lines_and_pledge_years(app, as_):
    editor = as_("editor")
    small = create(app, as_, costs=("200.000,00",), partners=())
    _add_split_partner(app, editor, small, "25LH")
    large = create(app, as_, costs=("50.000,00", "50.000,00", "50.000,00", "50.000,00"), partners=())
    for identifier in ("25LH", "90000012", "30RN"):
        _add_split_partner(app, editor, large, identifier)

    few = statements_of_get(app, editor, f"{BASE}/{small}")
    many = statements_of_get(app, editor, f"{BASE}/{large}")
    assert len(few) == len(many), ([s for s in many if s not in few], len(few), len(many))
    shown = " ".join(re.sub(r"<[^>]+>", " ", text(editor.get(f"{BASE}/{large}"))).split())
    assert shown.count("Per jaar: 2026 in geld € 0,00, in natura € 10.000,00; 2027") == 3
