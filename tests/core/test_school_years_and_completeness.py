"""The core's one notion of a school year (closed set, spellings, message, lock) and of a total's completeness."""
from __future__ import annotations

import datetime as dt

import pytest

from core.completeness import INCOMPLETE, MET, NO_TARGET, NOT_MET, completeness
from core.school_years import InvalidSchoolYear, SchoolYearSettings, normalise_school_year, school_year_of


@pytest.mark.parametrize("text, expected", [
    ("2024-2025", "2024-2025"), ("2024/2025", "2024-2025"), (" 2024 - 2025 ", "2024-2025"), ("24-25", "2024-2025"),
    ("2024-25", "2024-2025"), ("24/25", "2024-2025"), ("2024\u20132025", "2024-2025"), ("99-00", "2099-2100"),
    ("2024-2026", None), ("2025-2024", None), ("2024", None), ("abc", None), ("", None), (2024, None), (None, None),
])
def test_every_common_spelling_becomes_one_form(text, expected):
    assert normalise_school_year(text) == expected


def test_a_school_year_runs_from_august_to_july():
    assert school_year_of(dt.date(2026, 7, 31)) == "2025-2026"
    assert school_year_of(dt.date(2026, 8, 1)) == "2026-2027"


def test_the_set_is_the_window_up_to_the_last_ended_year_unless_the_running_year_is_open():
    years = SchoolYearSettings().school_years(dt.date(2026, 10, 1))
    assert years.years == ["2021-2022", "2022-2023", "2023-2024", "2024-2025", "2025-2026"]
    running = SchoolYearSettings(running_school_year=True, school_year_window=2).school_years(dt.date(2026, 10, 1))
    assert running.years == ["2025-2026", "2026-2027"]
    wider = SchoolYearSettings(first_school_year="2016-2017").school_years(dt.date(2026, 10, 1))
    assert wider.years[0] == "2016-2017" and wider.latest == "2025-2026"


def test_one_message_for_text_that_is_no_year_of_the_set(app):
    years = SchoolYearSettings().school_years(dt.date(2026, 10, 1))
    assert years.parse("24/25") == "2024-2025"
    with app.test_request_context():
        messages = set()
        for wrong in ("1999-2000", "2026-2027", "2024-2026", "abc"):
            with pytest.raises(InvalidSchoolYear) as caught:
                years.parse(wrong)
            messages.add(str(caught.value).replace(wrong, "X"))
    assert messages == {"'X' is geen schooljaar dat u kunt invullen: kies een schooljaar van 2021-2022 tot en met "
                        "2025-2026"}


def test_a_year_locks_after_its_deadline_or_without_one_once_older_than_the_window():
    settings = SchoolYearSettings(first_school_year="2019-2020", deadlines={"2024-2025": dt.date(2026, 11, 1)})
    on = settings.school_years(dt.date(2026, 11, 1))
    assert not on.locked("2024-2025")  # the deadline day itself is still open
    assert settings.school_years(dt.date(2026, 11, 2)).locked("2024-2025")
    assert on.locked("2020-2021") and on.locked("2019-2020")  # no deadline, before the window (2021-2022 on)
    assert not on.locked("2021-2022") and not on.locked("2025-2026")
    # a default deadline still to come keeps the window open, not the years before it; a year's own one does
    later = SchoolYearSettings(first_school_year="2019-2020", deadline=dt.date(2027, 10, 1),
                               deadlines={"2019-2020": dt.date(2027, 1, 1)}).school_years(dt.date(2026, 10, 1))
    assert later.locked("2020-2021") and not later.locked("2019-2020") and not later.locked("2024-2025")


def test_settings_check_the_school_years_they_name():
    settings, errors = SchoolYearSettings.from_toml({"first_school_year": "2019", "school_year_window": 0,
                                                    "deadlines": {"2024/2025": dt.date(2025, 11, 1)}})
    assert settings is None
    assert dict(errors) == {"first_school_year": "'2019' is geen schooljaar (zoals 2024-2025)",
                            "school_year_window": "moet 1 of meer zijn"}
    good, errors = SchoolYearSettings.from_toml({"first_school_year": "16/17",
                                                "deadlines": {"2024/2025": dt.date(2025, 11, 1)}})
    assert not errors and good.first_school_year == "2016-2017"
    assert good.deadlines == {"2024-2025": dt.date(2025, 11, 1)}  # the key in its one form
    assert SchoolYearSettings.from_json(good.to_json()) == good


def test_a_total_is_judged_only_when_complete(app):
    expected = {1: "Gemeente Utrecht", 2: "Gemeente De Bilt", 3: "Gemeente Bunnik"}
    partial = completeness(expected, {1, 9})  # 9: reported, but not expected (no longer a member)
    assert (partial.reported, partial.expected, partial.missing, partial.extra) == (
        1, 3, ("Gemeente Bunnik", "Gemeente De Bilt"), 1)
    assert not partial.is_complete
    assert [partial.judge(m) for m in (True, False, None)] == [INCOMPLETE, INCOMPLETE, NO_TARGET]
    whole = completeness(expected, {1, 2, 3})
    assert whole.is_complete and [whole.judge(m) for m in (True, False)] == [MET, NOT_MET]
    assert not completeness({}, set()).is_complete  # nobody expected: nothing to call complete
    with app.test_request_context():
        assert partial.label == "1 van de 3 gemeenten"
        assert partial.missing_text == "Ontbreekt: Gemeente Bunnik, Gemeente De Bilt"
        assert completeness({1: "ROC"}, {1}, noun="instelling").label == "1 van de 1 instelling"
        assert partial.verdict_text(True) == "nog niet compleet" and whole.verdict_text(True) == "gehaald"
