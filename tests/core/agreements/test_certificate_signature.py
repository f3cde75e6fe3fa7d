"""The JSON certificate is signed by the platform (Ed25519): a forged signer list fails an offline check."""
from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from core.cli import main as regio

from .conftest import BASE, PARTIES, drafted_and_sent, sign_as

README = Path(__file__).resolve().parents[3] / "README.md"
KEY_URL = "/.well-known/regioplatform-signing-key"


@pytest.fixture
def certificate(world, tmp_path):
    """(path of a downloaded JSON certificate of an agreement in force, its data, the published key)."""
    agreement_id = drafted_and_sent(world)
    for party in PARTIES:
        assert sign_as(world, party, agreement_id).status_code == 302
    response = world.client("lezer@example.nl").get(f"{BASE}/{agreement_id}/versies/1/certificaat.json")
    assert response.status_code == 200
    path = tmp_path / "certificaat.json"
    path.write_bytes(response.get_data())
    published = world.app.test_client().get(KEY_URL)  # anonymous: anyone may fetch the key
    assert published.status_code == 200 and published.mimetype == "application/json"
    return path, json.loads(path.read_text(encoding="utf-8")), published.get_json()["publieke_sleutel"]


def verify(app, path, key):
    return app.test_cli_runner().invoke(regio, ["verify-certificate", str(path), "--public-key", key])


def forged(path: Path, data: dict, change) -> Path:
    data = json.loads(json.dumps(data))
    change(data)
    out = path.with_name("vervalst.json")
    out.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return out


def test_the_published_key_is_the_one_in_the_certificate(world, certificate):
    _path, data, key = certificate
    seal = data["platformhandtekening"]
    assert seal["algoritme"] == "Ed25519" and seal["publieke_sleutel"] == key
    assert seal["sleutel_url"] == "http://localhost" + KEY_URL
    published = world.app.test_client().get(KEY_URL).get_json()
    assert published["sleutel_id"] == seal["sleutel_id"] and published["pem"].startswith("-----BEGIN PUBLIC KEY")


def test_a_genuine_certificate_verifies_offline(world, certificate):
    path, data, key = certificate
    result = verify(world.app, path, key)
    assert result.exit_code == 0, result.output
    assert "Certificaat in orde" in result.output and data["vingerafdruk"] in result.output
    assert "teken-utrecht" in result.output


@pytest.mark.parametrize("change", [
    lambda d: d["handtekeningen"][0].update(ondertekenaar="Iemand Anders"),
    lambda d: d["handtekeningen"].pop(),
    lambda d: d["handtekeningen"].append({**d["handtekeningen"][0], "organisatie": {"identifier": "99XX",
                                                                                   "name": "Nep"}}),
    lambda d: d["handtekeningen"][1].update(ondertekend_op="2020-01-01T00:00:00Z"),
    lambda d: d.update(ontbrekend=["GM0310"]),
], ids=["signer renamed", "signature removed", "signature added", "time changed", "missing changed"])
def test_a_forged_signer_list_fails(world, certificate, change):
    path, data, key = certificate
    result = verify(world.app, forged(path, data, change), key)
    assert result.exit_code == 1
    assert "de handtekening klopt niet" in result.output and "NIET in orde" in result.output


def test_a_changed_text_fails_on_the_signature_and_the_fingerprint(world, certificate):
    path, data, key = certificate
    result = verify(world.app, forged(path, data, lambda d: d["versie"].update(text="Andere tekst")), key)
    assert result.exit_code == 1
    assert "de handtekening klopt niet" in result.output
    assert "de vingerafdruk hoort niet bij de tekst van de versie" in result.output


def test_a_certificate_re_signed_with_another_key_fails_against_the_published_key(world, certificate):
    from core.signing import SigningKey

    path, data, key = certificate
    unsealed = {k: v for k, v in data.items() if k != "platformhandtekening"}
    unsealed["handtekeningen"][0]["ondertekenaar"] = "Iemand Anders"
    resealed = SigningKey(Ed25519PrivateKey.generate()).sign_document(unsealed)
    out = path.with_name("ander.json")
    out.write_text(json.dumps(resealed), encoding="utf-8")
    result = verify(world.app, out, key)
    assert result.exit_code == 1 and "andere sleutel" in result.output
    # Trusting the key inside the file itself would accept it: that is why the check takes the published key.
    assert verify(world.app, out, resealed["platformhandtekening"]["publieke_sleutel"]).exit_code == 0


def test_the_readme_snippet_verifies_and_rejects(certificate):
    path, data, key = certificate
    snippet = re.search(r"```python\n(import base64, hashlib, json.*?)```", README.read_text(encoding="utf-8"),
                        re.S).group(1)
    exec(snippet, {"certificate_path": str(path), "published_key": key})  # noqa: S102
    bad = forged(path, data, lambda d: d["handtekeningen"][0].update(ondertekenaar="Iemand Anders"))
    with pytest.raises(InvalidSignature):
        exec(snippet, {"certificate_path": str(bad), "published_key": key})  # noqa: S102


def test_the_key_comes_from_signing_key_or_from_one_instance_file(app_factory, tmp_path):
    from core.config import ConfigError

    private = Ed25519PrivateKey.generate()
    raw = base64.b64encode(private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                                 serialization.NoEncryption())).decode()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    keys = {app_factory(SIGNING_KEY=text).test_client().get(KEY_URL).get_json()["publieke_sleutel"]
            for text in (raw, pem)}
    assert len(keys) == 1
    # Without SIGNING_KEY: one file in the instance folder, private to its owner, reused by the next start.
    first, second = app_factory(SIGNING_KEY=""), app_factory(SIGNING_KEY="")
    assert first.test_client().get(KEY_URL).get_json() == second.test_client().get(KEY_URL).get_json()
    key_file = Path(first.instance_path) / "signing-key.pem"
    assert key_file.stat().st_mode & 0o077 == 0
    with pytest.raises(ConfigError, match="SIGNING_KEY"):
        app_factory(SIGNING_KEY="geen-sleutel")


def test_a_server_that_loses_the_race_to_create_the_key_reads_the_winners(tmp_path, monkeypatch):
    """Gunicorn workers or concurrent `regio upgrade`s start at once: each finds no key file, one
    creates it first; the others must neither fail nor overwrite it, and all sign with that one key."""
    from types import SimpleNamespace

    from core import signing

    app = SimpleNamespace(instance_path=str(tmp_path), config={})
    winner = signing._from_instance(app)
    monkeypatch.setattr(signing.Path, "exists", lambda self: False)  # every start saw no file
    for _ in range(3):
        late = signing._from_instance(app)
        assert signing.public_key_text(late.public_key()) == signing.public_key_text(winner.public_key())
    assert [p.name for p in tmp_path.iterdir()] == ["signing-key.pem"]  # no drafts left behind
