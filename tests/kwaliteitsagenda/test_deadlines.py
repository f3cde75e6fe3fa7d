"""The region calendar shows the kwaliteitsagenda's dates (settings): the yearly realisation and the midterm."""
from __future__ import annotations

import html


def test_the_calendar_shows_the_realisation_and_midterm_dates_to_the_institution(app, client_of, agenda):
    page = html.unescape(client_of("roc").get("/regio/rmc-19/kalender?wanneer=alle").get_data(as_text=True))
    assert "Realisatie kwaliteitsagenda inleveren" in page
    assert "Tussentijdse beoordeling kwaliteitsagenda" in page
    assert "Realisatie kwaliteitsagenda inleveren" not in html.unescape(
        client_of("zadkine").get("/regio/rmc-29/kalender?wanneer=alle").get_data(as_text=True))
