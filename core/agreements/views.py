"""Agreement pages under /regio/<region>/afspraken/… and the public verify page.

`add_agreement_routes(bp)`, called by the app factory, adds the region pages
to the parent `regio` blueprint (so they sit behind its region guard);
`public_bp` holds the verify page, which anyone may use: knowing a fingerprint means holding the
document, and the page shows only what the certificate shows.

Every view calls `authorize`. POST views first authorize the action on the
region (a viewer gets 403 whatever the object), then load the object (404
when it is not in this region and instrument).
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import force_locale, format_datetime, gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.agreements import service
from core.agreements.forms import ActionForm, SignForm, VerifyForm, WithdrawForm, agreement_form_class
from core.agreements.markdown import render_markdown
from core.agreements.models import (CANONICAL_FORMAT, STATUS_CONCEPT, STATUS_IN_FORCE, STATUS_LABELS,
                                    STATUS_SIGNING, Agreement, AgreementVersion)
from core.agreements.templates import TermsError
from core.authz import authorize, may, scoped
from core.concurrency import Conflict, stored_values
from core.db import db_session
from core.identity.stepup import StepUp, confirm_step_up
from core.mail import commit_and_deliver
from core.regions.guard import require_instrument
from core.security import public
from core.signing import WELL_KNOWN_PATH, signing_key

try:
    LOCAL_TZ = ZoneInfo("Europe/Amsterdam")
except ZoneInfoNotFoundError:  # pragma: no cover - systems without tz data
    LOCAL_TZ = dt.timezone.utc


@dataclass(frozen=True)
class SigningFor:
    """The object of "agreement.sign": one organisation in one region (authorize decides per organisation)."""

    organisation_id: int
    region_id: int


def local_time(value: dt.datetime | None) -> str:
    """A timestamp to the second in Dutch time, written the reader's way: `3 maart 2025 14:05:09`."""
    if value is None:
        return "–"
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return format_datetime(value.astimezone(LOCAL_TZ), "d MMMM y HH:mm:ss")


def utc_iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _registry():
    return current_app.extensions["regioplatform"]


def _entry(instrument: str):
    """The instrument's registry entry; 404 when unknown or not enabled in this region."""
    entry = _registry().entries.get(instrument)
    if entry is None:
        abort(404)
    require_instrument(g.region, instrument)
    return entry


def _agreement_or_404(instrument: str, agreement_id: int) -> Agreement:
    agreement = db_session().get(Agreement, agreement_id)
    if agreement is None or agreement.region_id != g.region.id or agreement.instrument_key != instrument:
        abort(404)
    return agreement


def _version_or_404(agreement: Agreement, number: int) -> AgreementVersion:
    version = next((v for v in agreement.versions if v.number == number), None)
    if version is None:
        abort(404)
    return version


def _signable_orgs(version: AgreementVersion | None) -> list:
    """Parties of `version` the current user may sign for and that have not signed yet."""
    if version is None or version.status != STATUS_SIGNING:
        return []
    return [p.organisation for p in version.party_rows
            if p.organisation_id not in version.signed_ids and may(current_user, "agreement.sign", p)]


def _withdrawable_orgs(version: AgreementVersion | None) -> set[int]:
    if version is None or version.status != STATUS_SIGNING:
        return set()
    return {s.organisation_id for s in version.signatures
            if may(current_user, "agreement.sign", SigningFor(s.organisation_id, version.region_id))}


def _render_agreement(entry, agreement: Agreement, version: AgreementVersion, *, sign_form: SignForm | None = None,
                      problem: str | None = None, status: int = 200):
    template = service.find_template(entry, agreement.template_key)
    signable = _signable_orgs(version)
    if sign_form is None and signable:
        sign_form = SignForm(formdata=None)
    if sign_form is not None:
        sign_form.organisation.choices = [(o.id, o.name) for o in signable]
        sign_form.fingerprint.data = version.fingerprint
    coordinator = may(current_user, "agreement.draft", agreement)
    signatures = {s.organisation_id: s for s in version.signatures}
    context = dict(
        region=g.region, entry=entry, agreement=agreement, version=version,
        text_html=render_markdown(version.text),
        terms_rows=template.describe(version.terms) if template else
        [{"label": k, "key": None, "value": json.dumps(v, ensure_ascii=False), "unit": ""} for k, v in version.terms.items()],
        parties=sorted(version.party_rows, key=lambda p: p.organisation.name), signatures=signatures,
        signable=signable, sign_form=sign_form if signable else None,
        withdrawable=_withdrawable_orgs(version), withdraw_form=WithdrawForm(formdata=None),
        action_form=ActionForm(formdata=None), coordinator=coordinator,
        without_signatory=service.parties_without_signatory(db_session(), version) if coordinator and version.status in
        (STATUS_CONCEPT, STATUS_SIGNING) else [],
        in_force=agreement.in_force, open_version=agreement.open_version,
        problem=problem, local_time=local_time, STATUS_IN_FORCE=STATUS_IN_FORCE,
    )
    return render_template("agreements/show.html", **context), status


# --- views -------------------------------------------------------------------

def agreements_index():
    region = authorize("agreement.view", g.region)
    enabled = [e for e in _registry().ordered() if region.has_instrument(e.key)]
    rows = db_session().scalars(scoped(select(Agreement).where(Agreement.region_id == region.id)
                                       .order_by(Agreement.id), "agreement.view")).all()
    by_key = {e.key: [a for a in rows if a.instrument_key == e.key] for e in enabled}
    return render_template("agreements/index.html", region=region, groups=[(e, by_key[e.key]) for e in enabled],
                           single=None)


def agreements_list(instrument):
    entry = _entry(instrument)
    region = authorize("agreement.view", g.region)
    rows = db_session().scalars(scoped(
        select(Agreement).where(Agreement.region_id == region.id, Agreement.instrument_key == instrument)
        .order_by(Agreement.id), "agreement.view")).all()
    return render_template("agreements/index.html", region=region, groups=[(entry, rows)], single=entry)


def agreement_new(instrument):
    entry = _entry(instrument)
    region = authorize("agreement.draft", g.region)
    templates = service.templates_for(entry)
    key = request.args.get("sjabloon") or (templates[0].key if len(templates) == 1 else None)
    if key is None:
        return render_template("agreements/choose_template.html", region=region, entry=entry, templates=templates)
    template = service.find_template(entry, key)
    if template is None:
        abort(404)
    session = db_session()
    orgs = service.consortium_organisations(session, region, instrument)
    form = agreement_form_class(template)()
    form.parties.choices = [(o.id, f"{o.name} ({o.kind_label})") for o in orgs]
    if request.method == "GET":
        form.title.data = template.title
        form.text.data = template.text
        form.parties.data = [o.id for o in orgs]
    elif form.validate_on_submit():
        try:
            agreement = service.create_agreement(
                session, region=region, instrument_key=instrument, template=template, title=form.title.data,
                text_=form.text.data, terms=form.terms_data(),
                parties=[o for o in orgs if o.id in set(form.parties.data)], user=current_user)
        except TermsError as exc:
            session.rollback()
            form.apply_terms_errors(exc)
        except service.AgreementError as exc:
            session.rollback()
            form.parties.errors.append(str(exc))
        else:
            commit_and_deliver(session)
            flash(_("Het concept is opgeslagen. Controleer het en verstuur het ter ondertekening."))
            return redirect(url_for(".agreement", instrument=instrument, agreement_id=agreement.id))
    return render_template("agreements/form.html", region=region, entry=entry, template=template, form=form,
                           agreement=None, base=None, consortium_empty=not orgs), \
        (400 if request.method == "POST" else 200)


def agreement_show(instrument, agreement_id):
    entry = _entry(instrument)
    agreement = authorize("agreement.view", _agreement_or_404(instrument, agreement_id))
    version = agreement.open_version or agreement.latest
    return _render_agreement(entry, agreement, version)


def agreement_version(instrument, agreement_id, number):
    entry = _entry(instrument)
    agreement = authorize("agreement.view", _agreement_or_404(instrument, agreement_id))
    return _render_agreement(entry, agreement, _version_or_404(agreement, number))


def agreement_edit(instrument, agreement_id):
    entry = _entry(instrument)
    authorize("agreement.draft", g.region)
    agreement = authorize("agreement.draft", _agreement_or_404(instrument, agreement_id))
    session = db_session()
    base = agreement.open_version or agreement.in_force
    if base is None:
        flash(_("Deze afspraak is beëindigd en kan niet meer worden gewijzigd."))
        return redirect(url_for(".agreement", instrument=instrument, agreement_id=agreement.id))
    template = service.find_template(entry, agreement.template_key)
    if template is None:
        flash(_("Het sjabloon van deze afspraak wordt niet meer aangeboden door het instrument; wijzigen kan niet."))
        return redirect(url_for(".agreement", instrument=instrument, agreement_id=agreement.id))
    orgs = service.consortium_organisations(session, g.region, instrument)
    form = agreement_form_class(template)()
    form.parties.choices = [(o.id, f"{o.name} ({o.kind_label})") for o in orgs]
    problem = conflict = None
    if request.method == "GET":
        form.basis.data = base.fingerprint
        form.title.data = base.title
        form.text.data = base.text
        form.parties.data = sorted(base.party_ids & {o.id for o in orgs})
        form.fill_terms(base.terms)
    elif form.validate_on_submit():
        try:
            agreement = service.lock_agreement(session, agreement.id)
            outcome = service.edit_agreement(
                session, agreement, basis=form.basis.data or "", template=template, title=form.title.data,
                text_=form.text.data, terms=form.terms_data(),
                parties=[o for o in orgs if o.id in set(form.parties.data)], user=current_user)
        except TermsError as exc:
            session.rollback()
            form.apply_terms_errors(exc)
        except service.StaleEdit:
            session.rollback()
            conflict = True
        except service.AgreementError as exc:
            session.rollback()
            problem = str(exc)
        else:
            commit_and_deliver(session)
            number = outcome.version.number
            flash({
                "unchanged": lambda: _("Er is niets gewijzigd."),
                "edited": lambda: _("Het concept is bijgewerkt."),
                "voided": lambda: _("Versie %(number)s ligt nu ter ondertekening. De handtekeningen op de vorige "
                                    "versie zijn vervallen; de ondertekenaars hebben een bericht gekregen.",
                                    number=number),
                "amendment": lambda: _("Versie %(number)s is als concept opgeslagen. De versie die van kracht is, "
                                       "blijft van kracht tot de nieuwe versie door alle partijen is ondertekend.",
                                       number=number),
            }[outcome.kind]())
            return redirect(url_for(".agreement", instrument=instrument, agreement_id=agreement.id))
        agreement = _agreement_or_404(instrument, agreement_id)
        base = agreement.open_version or agreement.in_force
        if conflict and base is not None:  # someone else's edit came first: show what is stored now
            conflict = Conflict.changed(stored_values(base, form, {"parties": "party_ids"}))
            form.basis.data = base.fingerprint  # saving this form again replaces it knowingly
    return render_template("agreements/form.html", region=g.region, entry=entry, template=template, form=form,
                           agreement=agreement, base=base, consortium_empty=not orgs, problem=problem,
                           conflict=conflict or None), \
        (409 if problem or conflict else 400 if request.method == "POST" else 200)


def agreement_send(instrument, agreement_id):
    _entry(instrument)
    authorize("agreement.draft", g.region)
    agreement = authorize("agreement.draft", _agreement_or_404(instrument, agreement_id))
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    version = _locked_step(agreement, lambda session, locked: service.send_for_signing(
        session, locked, basis=form.basis.data or "", user=current_user))
    if version is not FAILED:
        flash(_("Versie %(number)s ligt ter ondertekening. De ondertekenaars van de partijen hebben een "
                "bericht gekregen.", number=version.number))
    return redirect(url_for(".agreement", instrument=instrument, agreement_id=agreement_id))


FAILED = object()


def _locked_step(agreement, step):
    """Run `step(session, locked_agreement)` under the agreement's row lock and commit.

    Returns the step's result; on an AgreementError the transaction is rolled
    back, the Dutch reason is flashed and FAILED is returned.
    """
    session = db_session()
    try:
        result = step(session, service.lock_agreement(session, agreement.id))
    except service.AgreementError as exc:
        session.rollback()
        flash(str(exc))
        return FAILED
    commit_and_deliver(session)
    return result


def agreement_end(instrument, agreement_id):
    _entry(instrument)
    authorize("agreement.draft", g.region)
    agreement = authorize("agreement.draft", _agreement_or_404(instrument, agreement_id))
    if not ActionForm().validate_on_submit():
        abort(400)
    if _locked_step(agreement, lambda session, locked: service.end_agreement(
            session, locked, user=current_user)) is not FAILED:
        flash(_("De afspraak is beëindigd."))
    return redirect(url_for(".agreement", instrument=instrument, agreement_id=agreement_id))


def agreement_sign(instrument, agreement_id):
    entry = _entry(instrument)
    authorize("agreement.sign", g.region)
    agreement = authorize("agreement.view", _agreement_or_404(instrument, agreement_id))
    session = db_session()
    form = SignForm()
    if not form.validate_on_submit():
        return _render_agreement(entry, agreement, agreement.open_version or agreement.latest, sign_form=form,
                                 status=400)
    authorize("agreement.sign", SigningFor(form.organisation.data, g.region.id))
    agreement = service.lock_agreement(session, agreement.id)
    version = service.signable_version(agreement)
    if version is None or version.fingerprint != form.fingerprint.data:
        session.rollback()
        current = agreement.open_version or agreement.latest
        return _render_agreement(entry, agreement, current, problem=str(service.STALE_SIGNATURE_MESSAGE),
                                 status=409)
    if form.organisation.data not in version.party_ids:
        session.rollback()
        abort(403)
    step_up = confirm_step_up(current_user, form.password.data)
    if step_up is not StepUp.OK:
        session.rollback()
        form.password.errors.append(
            _("Te veel onjuiste pogingen. Wacht een kwartier en probeer het opnieuw.") if step_up is StepUp.THROTTLED
            else _("Het wachtwoord klopt niet. De versie is niet ondertekend."))
        return _render_agreement(entry, agreement, version, sign_form=form,
                                 status=429 if step_up is StepUp.THROTTLED else 400)
    try:
        outcome = service.sign(session, agreement, organisation_id=form.organisation.data,
                               fingerprint=form.fingerprint.data, user=current_user)
        commit_and_deliver(session)
    except service.StaleFingerprint as exc:
        session.rollback()
        return _render_agreement(entry, agreement, agreement.open_version or agreement.latest, problem=str(exc),
                                 status=409)
    except service.AgreementError as exc:
        session.rollback()
        flash(str(exc))
        return redirect(url_for(".agreement", instrument=instrument, agreement_id=agreement_id))
    except IntegrityError:
        session.rollback()
        return _render_agreement(entry, agreement, agreement.open_version or agreement.latest,
                                 problem=str(service.STALE_SIGNATURE_MESSAGE), status=409)
    org = outcome.signature.organisation
    flash(_("U hebt versie %(number)s ondertekend namens %(organisation)s.", number=version.number,
            organisation=org.name))
    if outcome.in_force is not None:
        flash(_("Alle verplichte partijen hebben ondertekend: de afspraak is nu van kracht."))
    return redirect(url_for(".agreement", instrument=instrument, agreement_id=agreement_id))


def agreement_withdraw(instrument, agreement_id):
    _entry(instrument)
    authorize("agreement.sign", g.region)
    agreement = authorize("agreement.view", _agreement_or_404(instrument, agreement_id))
    form = WithdrawForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        organisation_id = int(form.organisation.data)
    except ValueError:
        abort(400)
    authorize("agreement.sign", SigningFor(organisation_id, g.region.id))
    if _locked_step(agreement, lambda session, locked: service.withdraw_signature(
            session, locked, organisation_id=organisation_id)) is not FAILED:
        flash(_("De handtekening is ingetrokken."))
    return redirect(url_for(".agreement", instrument=instrument, agreement_id=agreement_id))


# --- certificate ---------------------------------------------------------------

def _dutch(text) -> str:
    """A lazily translated text in Dutch, the language of documents (certificates), whatever the reader's language."""
    with force_locale("nl"):
        return str(text)


def certificate_data(agreement: Agreement, version: AgreementVersion) -> dict:
    """The JSON certificate: the canonical version, its fingerprint and signatures, and how to check them."""
    canonical = version.canonical()
    return {
        "certificaat": "Regioplatform ondertekeningscertificaat",
        "verificatie": {
            "algoritme": "SHA-256",
            "methode": ("Serialiseer 'versie' als JSON met gesorteerde sleutels, zonder spaties (scheidingstekens "
                        "',' en ':'), UTF-8 zonder \\u-escapes; de SHA-256 daarvan (hexadecimaal) is de "
                        "vingerafdruk. In Python: hashlib.sha256(json.dumps(versie, sort_keys=True, "
                        "separators=(',', ':'), ensure_ascii=False).encode('utf-8')).hexdigest()"),
            "formaat": CANONICAL_FORMAT,
        },
        "versie": canonical,
        "vingerafdruk": version.fingerprint,
        "status": _dutch(STATUS_LABELS[version.status]),  # a document: Dutch whatever the reader's language
        "verstuurd_op": utc_iso(version.sent_at),
        "van_kracht_sinds": utc_iso(version.in_force_event.at) if version.in_force_event else None,
        "beeindigd_op": utc_iso(version.ended_at),
        "handtekeningen": [
            {
                "organisatie": {"identifier": s.organisation.identifier, "name": s.organisation.name},
                "ondertekenaar": s.signer_name,
                "ondertekend_op": utc_iso(s.signed_at),
                "vingerafdruk": s.fingerprint,
            }
            for s in sorted(version.signatures, key=lambda s: (s.signed_at, s.organisation.identifier))
        ],
        "ontbrekend": sorted(p.organisation.identifier for p in version.party_rows
                             if p.organisation_id in version.missing_ids),
    }


# How the platform's signature of a JSON certificate is checked (core/signing.py).
CERTIFICATE_SEAL_METHOD = (
    "Verwijder 'platformhandtekening' uit het certificaat en serialiseer de rest zoals 'versie' (gesorteerde "
    "sleutels, zonder spaties, UTF-8); 'handtekening' (base64) is de Ed25519-handtekening daarvan. Controleer met "
    "de publieke sleutel van het platform (sleutel_url), niet met die in dit bestand: "
    "regio verify-certificate BESTAND --public-key SLEUTEL.")


def agreement_certificate(instrument, agreement_id, number):
    entry = _entry(instrument)
    agreement = authorize("agreement.view", _agreement_or_404(instrument, agreement_id))
    version = _version_or_404(agreement, number)
    signatures = {s.organisation_id: s for s in version.signatures}
    return render_template("agreements/certificate.html", region=g.region, entry=entry, agreement=agreement,
                           version=version, parties=sorted(version.party_rows, key=lambda p: p.organisation.name),
                           signatures=signatures, local_time=local_time,
                           verify_url=current_app.config.get("BASE_URL", "").rstrip("/")
                           + url_for("agreements_public.verify", vingerafdruk=version.fingerprint))


def agreement_certificate_json(instrument, agreement_id, number):
    _entry(instrument)
    agreement = authorize("agreement.view", _agreement_or_404(instrument, agreement_id))
    version = _version_or_404(agreement, number)
    key_url = current_app.config.get("BASE_URL", "").rstrip("/") + WELL_KNOWN_PATH
    data = signing_key().sign_document(certificate_data(agreement, version), methode=CERTIFICATE_SEAL_METHOD,
                                       sleutel_url=key_url)
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    filename = f"afspraak-{agreement.id}-versie-{version.number}.json"
    return Response(body + "\n", mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def add_agreement_routes(bp: Blueprint) -> None:
    """Add the agreement pages to the parent `regio` blueprint (endpoints `regio.agreement…`)."""
    base = "/afspraken/<instrument>/<int:agreement_id>"
    bp.add_url_rule("/afspraken/", "agreements_index", agreements_index)
    bp.add_url_rule("/afspraken/<instrument>/", "agreements", agreements_list)
    bp.add_url_rule("/afspraken/<instrument>/nieuw", "agreement_new", agreement_new, methods=["GET", "POST"])
    bp.add_url_rule(f"{base}/", "agreement", agreement_show)
    bp.add_url_rule(f"{base}/versies/<int:number>/", "agreement_version", agreement_version)
    bp.add_url_rule(f"{base}/bewerken", "agreement_edit", agreement_edit, methods=["GET", "POST"])
    bp.add_url_rule(f"{base}/versturen", "agreement_send", agreement_send, methods=["POST"])
    bp.add_url_rule(f"{base}/ondertekenen", "agreement_sign", agreement_sign, methods=["POST"])
    bp.add_url_rule(f"{base}/intrekken", "agreement_withdraw", agreement_withdraw, methods=["POST"])
    bp.add_url_rule(f"{base}/beeindigen", "agreement_end", agreement_end, methods=["POST"])
    bp.add_url_rule(f"{base}/versies/<int:number>/certificaat", "agreement_certificate", agreement_certificate)
    bp.add_url_rule(f"{base}/versies/<int:number>/certificaat.json", "agreement_certificate_json",
                    agreement_certificate_json)


# --- public verify page -----------------------------------------------------------

public_bp = Blueprint("agreements_public", __name__)


@public_bp.route("/afspraken/verifieren")
@public
def verify():
    """Does this fingerprint belong to a version that was sent for signing, and what is its status?"""
    form = VerifyForm(formdata=request.args if request.args else None)
    matches = []
    status = 200
    if request.args:
        if form.validate():
            fingerprint = form.vingerafdruk.data.strip().lower()
            versions = db_session().scalars(
                select(AgreementVersion).where(AgreementVersion.fingerprint == fingerprint)).all()
            for version in versions:
                if version.status == STATUS_CONCEPT:
                    continue  # drafts change in place and are nobody's to verify
                agreement = version.agreement
                viewer = current_user.is_authenticated and may(current_user, "agreement.view", agreement)
                entry = current_app.extensions["regioplatform"].entries.get(agreement.instrument_key)
                matches.append({
                    "version": version, "agreement": agreement, "viewer": viewer,
                    "instrument": str(entry.info.name) if entry else agreement.instrument_key,
                    "parties": sorted(version.party_rows, key=lambda p: p.organisation.name),
                    "signatures": {s.organisation_id: s for s in version.signatures},
                    "newer": [v for v in agreement.versions if v.number > version.number and v.status != STATUS_CONCEPT],
                })
        else:
            status = 400
    return render_template("agreements/verify.html", form=form, matches=matches, searched=bool(request.args),
                           local_time=local_time), status

