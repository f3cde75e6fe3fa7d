"""The money rules without the web: one third, coverage, euro notation, the weighted score."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from plugins.rif.forms import parse_money
from plugins.rif.rules import CRITERIA, euro, finances, max_subsidy, share, total_score


@pytest.mark.parametrize(("costs", "subsidy", "ok"), [
    ("100000.00", "33333.33", True),  # the maximum: three times it is 99.999,99
    ("100000.00", "33333.34", False),  # one cent more: three times it is 100.000,02
    ("100000.01", "33333.33", True),
    ("100000.02", "33333.34", True),  # exactly a third: 3 x 33.333,34 = 100.000,02
    ("99999.99", "33333.33", True),  # exactly a third
    ("99999.98", "33333.33", False),
])
def test_one_third_at_the_boundary_in_cents(costs, subsidy, ok):
    f = finances(D(costs), D(subsidy), [(D(costs), 0)])
    assert f.within_third is ok
    messages = [p for p in f.problems if "een derde" in p]
    assert bool(messages) is not ok


def test_the_message_names_the_amounts_in_dutch_notation():
    f = finances(D("100000.00"), D("33333.34"), [(D("66666.66"), 0)])
    assert f.problems == ["De aangevraagde subsidie (€ 33.333,34) is meer dan een derde van de projectkosten "
                          "(€ 100.000,00); het maximum is € 33.333,33."]
    assert f.maximum == D("33333.33")


def test_co_financing_must_cover_the_rest_to_the_cent():
    covered = finances(D("300000.00"), D("100000.00"), [(D("150000.00"), D("50000.00"))])
    assert covered.covered and covered.problems == []
    short = finances(D("300000.00"), D("100000.00"), [(D("150000.00"), D("49999.99"))])
    assert short.problems == ["De cofinanciering (€ 199.999,99) dekt de rest van de projectkosten (€ 200.000,00) "
                              "niet: er ontbreekt € 0,01."]


def test_money_is_decimal_never_float():
    f = finances(D("0.30"), D("0.10"), [(D("0.10"), D("0.10"))])
    assert isinstance(f.costs, D) and f.pledged == D("0.20") and f.covered  # 0.1 + 0.1 + 0.1 is 0.3 here
    assert max_subsidy(D("0.10")) == D("0.03")
    assert euro(D("1234567.5")) == "€ 1.234.567,50"


@pytest.mark.parametrize(("text", "value"), [("12.500,00", "12500.00"), ("12500,5", "12500.50"),
                                             ("12,500.25", "12500.25"), ("€ 1.000", "1000.00"), ("0", "0.00")])
def test_amounts_are_read_the_dutch_way(text, value):
    assert parse_money(text) == D(value)


@pytest.mark.parametrize("text", ["12,345", "1,2,3", "abc", "12.5.0", "1.000,001"])
def test_amounts_with_more_than_two_decimals_or_garbage_are_refused(text):
    with pytest.raises(ValueError, match="is geen bedrag in euro"):
        parse_money(text)


def test_entree_counts_extra():
    scores = {c.key: 3 for c in CRITERIA}
    without, max_without = total_score(scores, ["3"], entree_weight=2)
    with_entree, max_with = total_score(scores, ["entree", "3"], entree_weight=2)
    assert (without, max_without) == (27, 45)
    assert (with_entree, max_with) == (30, 50)
    assert total_score({"samenwerking": 4}, ["3"], 2)[0] is None


@pytest.mark.parametrize("part, whole, shown", [
    (2, 12, D("16.7")),  # 16,666..: rounded half-up, not cut off at 16,6
    (1, 8, D("12.5")), (1, 16, D("6.3")),  # 6,25 -> 6,3 (half-up, not half-even)
    (1, 3, D("33.3")), (0, 5, D("0.0")), (5, 5, D("100.0")), (1, 0, None)])
def test_a_share_is_rounded_half_up_to_one_decimal(part, whole, shown):
    assert share(part, whole) == shown


def test_a_share_below_the_threshold_never_shows_as_reaching_it():
    assert share(D("79999.99"), 100000) == D("80.0")  # without a threshold: plain rounding
    assert share(D("79999.99"), 100000, 80) == D("79.9")  # one cent short of 80%: never shown as 80,0%
    assert share(D("79950"), 100000, 80) == D("79.9") and share(D("79949"), 100000, 80) == D("79.9")
    assert share(D("80000"), 100000, 80) == D("80.0") and share(2, 12, 80) == D("16.7")
