"""The filters format with babel's patterns parsed once per language and remember what they wrote: the text
must be exactly babel's own (`flask_babel.format_*`), in either language, the first time and every time after."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from flask_babel import force_locale, format_currency, format_date, format_datetime, format_decimal

from core.i18n import COOKIE, current_language, date_time, euro, long_date, number, percentage

NUMBERS = [0, 7, -7, 1234, -1234567, 0.5, 1.5, 2.5, -2.5, 0.125, 0.005, 12.345, 12.355, 99.995, -0.0, 1e-7,
           123456.789, Decimal("0"), Decimal("-0"), Decimal("-0.00"), Decimal("1.0"), Decimal("1.00"),
           Decimal("1.005"), Decimal("2.675"), Decimal("1234.5"), Decimal("-1234.565"), Decimal("1E+3"),
           Decimal("12345678901234567890.123456")]
MOMENTS = [datetime(2025, 3, 3, 13, 5), datetime(2025, 10, 26, 0, 59), datetime(2025, 10, 26, 1, 1),
           datetime(2025, 3, 3, 23, 30, tzinfo=timezone.utc), datetime(2025, 3, 4, 0, 30, tzinfo=timezone.utc)]
DAYS = [date(2025, 3, 3), date(2024, 2, 29), date(1999, 12, 31)]


def babel_way() -> list[str]:
    out = []
    for value in NUMBERS:
        out += [format_decimal(value) if type(value) is not int else f"{value:,}".replace(",", ".")
                if current_language() == "nl" else f"{value:,}"]
        out += [format_decimal(value, format="#,##0" + ("." + "0" * digits if digits else ""))
                for digits in (0, 1, 2)]
        out += [format_decimal(value, format="#,##0.0") + "%", format_currency(Decimal(value), "EUR")]
    out += [format_date(day, "long") for day in DAYS]
    out += [format_datetime(moment, "d MMMM y") for moment in MOMENTS]
    out += [format_datetime(moment, "d MMMM y HH:mm") for moment in MOMENTS]
    return out


def filters() -> list[str]:
    out = []
    for value in NUMBERS:
        out += [number(value)] + [number(value, digits) for digits in (0, 1, 2)]
        out += [percentage(value), euro(value)]
    out += [long_date(day) for day in DAYS]
    out += [long_date(moment) for moment in MOMENTS]
    out += [date_time(moment) for moment in MOMENTS]
    return out


def test_the_filters_write_what_babel_writes_every_time_in_both_languages(app):
    for language, other in (("nl", "en"), ("en", "nl")):
        with app.test_request_context(headers={"Cookie": f"{COOKIE}={language}"}):
            expected = babel_way()
            assert filters() == expected  # the first time
            assert filters() == expected  # from what was remembered
            with force_locale(other):  # a part of the page in the other language
                assert filters() == babel_way()
            assert filters() == expected
    with app.test_request_context():
        assert number(Decimal("-0.00"), 2) == "-0,00" and number(Decimal("0.00"), 2) == "0,00"
        assert number(-0.0, 1) == "-0,0" and number(0.0, 1) == "0,0"
        assert number(2.5, 0) == "2" and number(3.5, 0) == "4"  # babel's rounding (half to even), unchanged


def test_template_texts_follow_the_language_and_stay_format_strings(app):
    template = app.jinja_env.from_string('{{ _("Opslaan") }}|{{ _("%(n)s%% van <%(w)s>", n=5, w="x&y") }}|'
                                         '{{ _("100%% <b>") }}')
    with app.test_request_context():
        assert template.render() == "Opslaan|5% van <x&amp;y>|100% <b>"
        assert template.render() == "Opslaan|5% van <x&amp;y>|100% <b>"
    with app.test_request_context(headers={"Cookie": f"{COOKIE}=en"}):
        assert template.render().startswith("Save|")
        with force_locale("nl"):
            assert template.render().startswith("Opslaan|")
        assert template.render().startswith("Save|")
