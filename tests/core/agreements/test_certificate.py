"""The printable certificate, the JSON file anyone can recompute, the verify page, and safe Markdown."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from .conftest import BASE, PARTIES, drafted_and_sent, draft, edit, load, sign_as


def _in_force(world, **kwargs) -> int:
    agreement_id = drafted_and_sent(world, **kwargs)
    for party in PARTIES:
        assert sign_as(world, party, agreement_id).status_code == 302
    return agreement_id


def test_certificate_shows_parties_signers_times_and_fingerprint(world):
    agreement_id = _in_force(world)
    version = load(world, agreement_id).latest
    page = world.client("lezer@example.nl").get(f"{BASE}/{agreement_id}/versies/1/certificaat")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Ondertekeningscertificaat" in html
    assert version.fingerprint in html
    assert "van kracht" in html
    for name in ("Gemeente Utrecht", "Gemeente De Bilt", "teken-utrecht", "teken-debilt", "teken-mbo"):
        assert name in html
    for signature in version.signatures:  # in Dutch time, to the second, the Dutch way: 3 maart 2025 14:05:09
        signed_at = signature.signed_at.replace(tzinfo=signature.signed_at.tzinfo or dt.timezone.utc)
        assert format_datetime(signed_at.astimezone(ZoneInfo("Europe/Amsterdam")), "d MMMM y HH:mm:ss",
                               locale="nl") in html


def test_json_certificate_lets_anyone_recompute_the_fingerprint(world):
    agreement_id = _in_force(world)
    response = world.client("lezer@example.nl").get(f"{BASE}/{agreement_id}/versies/1/certificaat.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    canonical = json.dumps(data["versie"], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(canonical.encode("utf-8")).hexdigest() == data["vingerafdruk"]
    assert data["versie"]["number"] == 1
    assert data["versie"]["text"].startswith("# Afspraak")
    assert data["versie"]["terms"] == {"greetings_per_year": 12, "target": {"2025-2026": 100, "2026-2027": 90},
                                       "budget": "12500.50"}
    assert [p["identifier"] for p in data["versie"]["parties"]] == sorted(PARTIES)
    assert data["status"] == "van kracht" and data["van_kracht_sinds"]
    assert len(data["handtekeningen"]) == 3
    assert all(s["vingerafdruk"] == data["vingerafdruk"] for s in data["handtekeningen"])
    assert data["ontbrekend"] == []


def test_a_json_certificate_of_a_voided_version_says_so(world):
    agreement_id = drafted_and_sent(world)
    sign_as(world, "GM0344", agreement_id)
    edit(world, agreement_id, text="Andere tekst.")
    data = world.client("lezer@example.nl").get(f"{BASE}/{agreement_id}/versies/1/certificaat.json").get_json()
    assert data["status"] == "vervangen"
    assert len(data["handtekeningen"]) == 1 and len(data["ontbrekend"]) == 2


def test_verify_page_is_public_and_tells_match_and_status(world, client):
    agreement_id = _in_force(world)
    fingerprint = load(world, agreement_id).latest.fingerprint

    found = client.get(f"/afspraken/verifieren?vingerafdruk={fingerprint}")
    assert found.status_code == 200
    html = found.get_data(as_text=True)
    assert "Overeenkomst." in html and "van kracht" in html and "Utrecht" in html
    assert "teken-utrecht" not in html  # signers' names only for those who may see the agreement

    signed_in = world.client("lezer@example.nl").get(f"/afspraken/verifieren?vingerafdruk={fingerprint.upper()}")
    text = signed_in.get_data(as_text=True)
    assert "Overeenkomst." in text and "teken-utrecht" in text and f"{BASE}/{agreement_id}/versies/1/" in text

    unknown = client.get("/afspraken/verifieren?vingerafdruk=" + "0" * 64)
    assert unknown.status_code == 200 and "Geen overeenkomst." in unknown.get_data(as_text=True)
    malformed = client.get("/afspraken/verifieren?vingerafdruk=abc")
    assert malformed.status_code == 400 and "precies 64 tekens" in malformed.get_data(as_text=True)
    assert client.get("/afspraken/verifieren").status_code == 200


def test_verify_page_reports_a_replaced_version_and_hides_concepts(world, client):
    agreement_id = drafted_and_sent(world)
    old = load(world, agreement_id).latest.fingerprint
    edit(world, agreement_id, text="Andere tekst.")
    html = client.get(f"/afspraken/verifieren?vingerafdruk={old}").get_data(as_text=True)
    assert "vervangen" in html and "versie 2 (ter ondertekening)" in html
    concept_id = draft(world, title="Nog een concept")
    concept = load(world, concept_id).latest.fingerprint
    assert "Geen overeenkomst." in client.get(f"/afspraken/verifieren?vingerafdruk={concept}").get_data(as_text=True)


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_markdown_with_script_and_javascript_links_is_rendered_harmless(world):
    text = ("# Titel\n\n<script>alert('x')</script>\n\n[klik](javascript:alert(1)) "
            "[ook](JavaScript:alert(2)) <javascript:alert(3)> [data](data:text/html,<b>x</b>) [tab](java\tscript:x)\n\n"
            "<a href=\"javascript:alert(4)\" onclick=\"alert(5)\">html-link</a> <img src=x onerror=alert(6)>\n\n"
            "[ref]: javascript:alert(7)\n\n[via referentie][ref] [goed](https://www.example.nl) **vet**")
    agreement_id = draft(world, text=text)
    html = world.client("lezer@example.nl").get(f"{BASE}/{agreement_id}/").get_data(as_text=True)
    body = html.split('class="agreement-text">', 1)[1].split("</div>", 1)[0]
    parser = _Tags()
    parser.feed(body)
    tags = [tag for tag, _ in parser.tags]
    assert "script" not in tags and "img" not in tags
    for tag, attrs in parser.tags:
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        if tag == "a":
            assert attrs["href"].startswith("https://"), attrs
    assert [a["href"] for t, a in parser.tags if t == "a"] == ["https://www.example.nl"]
    assert "&lt;script&gt;" in body  # shown as text, not run
    assert "<strong>vet</strong>" in body
    # The text's own "# Titel" sits below the page's h1 and the section's h2: headings stay in order.
    assert "<h3>Titel</h3>" in body and html.count("<h1") == 1
    # Nothing outside the text area slipped through either.
    page = _Tags()
    page.feed(html)
    assert not [a for t, a in page.tags if t == "a" and not a.get("href", "").startswith(("/", "#", "https://"))]
    assert [t for t, _ in page.tags].count("script") == 0
