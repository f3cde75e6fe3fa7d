"""`regio keys` (keys of secrets at rest, core/secret_box.py) and `regio verify-certificate` (core/signing.py)."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext


@click.group()
def keys():
    """Keys for secrets at rest (SECRETS_KEY)."""


@keys.command("generate")
def keys_generate():
    """Print a new Fernet key for SECRETS_KEY."""
    from cryptography.fernet import Fernet

    click.echo(Fernet.generate_key().decode())


@keys.command("rotate")
@with_appcontext
def keys_rotate():
    """Re-encrypt every stored secret with the first key of SECRETS_KEY (then the other keys can go)."""
    from core.db import database
    from core.secret_box import rotate_all

    try:
        with database().engine.begin() as conn:
            done = rotate_all(conn)
    except RuntimeError as exc:
        raise click.ClickException(f"niets opnieuw versleuteld: {exc}") from None
    for table_name, count in done.items():
        click.echo(f"{table_name}: {count} waarde(n) opnieuw versleuteld met de eerste sleutel.")


def _trusted_key(option: str | None):
    """The key to trust: --public-key (base64, PEM, or a file holding either), else this installation's own."""
    from pathlib import Path

    from core.signing import load_public_key, signing_key

    if option is None:
        return signing_key().public, "de sleutel van deze installatie"
    text = Path(option).read_text(encoding="utf-8") if Path(option).is_file() else option
    try:
        return load_public_key(text), "de opgegeven sleutel"
    except ValueError as exc:
        raise click.BadParameter("geen Ed25519-sleutel (base64 van 32 bytes of PEM)", param_hint="--public-key") \
            from exc


def certificate_problems(data: dict, trusted) -> list[str]:
    """What is wrong with a JSON certificate (Dutch), checked without the platform's database."""
    import hashlib
    import json

    from core.signing import verify_document

    problems = []
    wrong_seal = verify_document(data, trusted)
    if wrong_seal:
        problems.append(wrong_seal)
    version = data.get("versie")
    canonical = json.dumps(version, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    fingerprint = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    if fingerprint != data.get("vingerafdruk"):
        problems.append("de vingerafdruk hoort niet bij de tekst van de versie")
    for signature in data.get("handtekeningen") or []:
        if signature.get("vingerafdruk") != fingerprint:
            problems.append(f"de handtekening van {signature.get('ondertekenaar')} geldt een andere versie")
    return problems


@click.command("verify-certificate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--public-key", "public_key", help="The platform's public key (base64 or PEM, or a file), as "
              "published at /.well-known/regioplatform-signing-key; default: this installation's key")
@with_appcontext
def verify_certificate(file, public_key):
    """Check a JSON certificate offline: the platform's signature, the fingerprint and the signatures."""
    import json
    from pathlib import Path

    from core.signing import key_id

    trusted, which = _trusted_key(public_key)
    try:
        data = json.loads(Path(file).read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{file}: geen JSON-certificaat ({exc})") from None
    if not isinstance(data, dict):
        raise click.ClickException(f"{file}: geen JSON-certificaat")
    problems = certificate_problems(data, trusted)
    if problems:
        for problem in problems:
            click.echo(f"  {problem}", err=True)
        click.echo(f"Certificaat NIET in orde (gecontroleerd met {which}, {key_id(trusted)}).", err=True)
        sys.exit(1)
    signers = ", ".join(f"{s['organisatie']['name']} ({s['ondertekenaar']}, {s['ondertekend_op']})"
                        for s in data.get("handtekeningen", []))
    click.echo(f"Certificaat in orde: ondertekend door het platform (sleutel {key_id(trusted)}, {which}); "
               f"vingerafdruk {data['vingerafdruk']}; handtekeningen: {signers or 'geen'}.")
