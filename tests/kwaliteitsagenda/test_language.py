"""The pages in English: the instrument's own catalogue (translations/en)."""
from __future__ import annotations

from .conftest import BASE


def english(client):
    client.set_cookie("taal", "en")
    return client


def test_the_agenda_pages_speak_english(app, client_of, agenda):
    roc = english(client_of("roc"))
    page = roc.get(f"{BASE}/agenda/{agenda}").get_data(as_text=True)
    assert "Goals and progress" in page and "Consultation with the region" in page
    assert "Doelen en voortgang" not in page
    refused = roc.post(f"{BASE}/agenda/{agenda}/doel/nieuw", data={"code": "K2", "priority": "Bpv", "title": "x",
                                                                   "investment": "-1", "result_dependent": "0",
                                                                   "target_2024": "3"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "does not belong to the period 2024-2027" in text
    assert "Enter the baseline: a target without a baseline is not possible." in text
    assert "cannot be negative" in text
    assert "Regional picture" in english(client_of("coordinator")).get(f"{BASE}/").get_data(as_text=True)
