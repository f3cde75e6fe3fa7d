"""The read endpoints of /api/v1/: what the token's organisation may see, as JSON.

Every view is public to the sign-in net (a system has no session): the blueprint checks the bearer
token itself (401 problem+json without a valid one) and every view authorizes through the one core
function with the token's principal (core.api.principal). Lists go through `scoped`.
"""
from __future__ import annotations

import base64
import binascii
import itertools
import json
import re

from flask import Blueprint, abort, current_app, g, jsonify, render_template, request, url_for
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from core.agreements.models import Agreement
from core.api import idempotency, jobs as api_jobs
from core.api.openapi import MAX_ID
from core.api.principal import TokenPrincipal
from core.api.problems import from_http_exception, problem, problem_response
from core.api.tokens import find_token, record_use
from core.api.rows import unknown_keys
from core.api.v1.values import row_object
from core.api.writes import validation_problem, write_batch
from core.excel import engine
from core.i18n import current_language
from core.jobs import runner
from core.jobs.models import BackgroundJob
from core.authz import authorize, scoped
from core.db import db_session
from core.identity.models import today
from core.orgs.models import Organisation
from core.regions.models import Region, RegionInstrument, RegionMember
from core.security import public
from flask_babel import gettext as _

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")
MAX_LIMIT = 500
DEFAULT_LIMIT = 100
JOB_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # a job's token (secrets.token_urlsafe)
API_MAX_BODY_MB = 64  # about 350,000 rows of an eight-column sheet as JSON: above the Excel row limit


def principal() -> TokenPrincipal:
    return g.api_principal


OPEN_ENDPOINTS = frozenset({"api_v1.openapi", "api_v1.docs"})  # the API's description needs no token


@bp.before_request
def authenticate():
    """Find the active token in the Authorization header, or answer 401; note its use."""
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    # a batch of rows may be larger than a form post or an upload (MAX_CONTENT_LENGTH); EXCEL_MAX_ROWS still binds
    request.max_content_length = int(float(current_app.config.get("API_MAX_BODY_MB", API_MAX_BODY_MB)) * 1024 * 1024)
    if any("\x00" in value for value in request.args.values()):  # PostgreSQL refuses NUL in text
        return problem(400, _("Een parameter bevat een ongeldig teken (NUL)."))
    header = request.headers.get("Authorization", "")
    scheme, _sep, secret = header.partition(" ")
    session = db_session()
    token = find_token(session, secret.strip(), today()) if scheme.lower() == "bearer" else None
    if token is None:
        return problem(401)
    record_use(session, token, request.remote_addr)
    session.commit()
    g.api_principal = TokenPrincipal(token)
    return None


@bp.errorhandler(HTTPException)
def http_problem(error):
    return from_http_exception(error)


def rate_limit_key() -> str:
    """The limiter's key for an API request: the token (its hash), else the address."""
    from core.api.tokens import token_hash

    secret = request.headers.get("Authorization", "").partition(" ")[2].strip()
    return "api:" + token_hash(secret) if secret else "api-anon:" + (request.remote_addr or "")


def install_rate_limit(app, limiter) -> None:
    """Limit each token's requests (API_RATE_LIMIT) on the shared limiter storage."""
    limiter.limit(lambda: app.config.get("API_RATE_LIMIT", "600/minute"), key_func=rate_limit_key)(bp)


def _bad(detail: str):
    error = HTTPException()
    error.code = 400
    error.api_detail = detail
    raise error


def page_args() -> tuple[int, int]:
    """(after id, limit) from ?cursor= and ?limit=, or a 400 problem naming the parameter."""
    from flask_babel import gettext as _

    raw_limit = request.args.get("limit", str(DEFAULT_LIMIT))
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_LIMIT:
        _bad(_("De parameter limit moet een geheel getal van 1 tot en met %(max)d zijn.", max=MAX_LIMIT))
    after = 0
    cursor = request.args.get("cursor")
    if cursor:
        try:
            after = int(json.loads(base64.urlsafe_b64decode(cursor.encode() + b"==="))["after"])
        except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
            _bad(_("De parameter cursor is ongeldig; gebruik de waarde uit next van het vorige antwoord."))
        if not 0 <= after <= MAX_ID:  # an id the database can compare with
            _bad(_("De parameter cursor is ongeldig; gebruik de waarde uit next van het vorige antwoord."))
    return after, int(raw_limit)


def paged(stmt, id_col, serialise, endpoint: str):
    """One page of `stmt` ordered by `id_col`, with the URL of the next page (or null)."""
    after, limit = page_args()
    rows = db_session().scalars(stmt.where(id_col > after).order_by(id_col).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    next_url = None
    if more:
        cursor = base64.urlsafe_b64encode(json.dumps({"after": rows[-1].id}).encode()).decode().rstrip("=")
        args = {k: v for k, v in request.args.items() if k != "cursor"}
        next_url = url_for(endpoint, **args, cursor=cursor)
    return jsonify({"data": [serialise(r) for r in rows], "next": next_url})


def _token_regions() -> list[int]:
    if principal().token.is_platform:
        return list(db_session().scalars(select(Region.id)))
    return list(db_session().scalars(select(RegionMember.region_id)
                                     .where(RegionMember.organisation_id == principal().organisation_id)))


def enabled_instruments() -> dict[str, str]:
    """instrument key -> the token's scope, for the instruments enabled in the organisation's regions."""
    enabled = set(db_session().scalars(select(RegionInstrument.instrument_key).where(
        RegionInstrument.region_id.in_(_token_regions()), RegionInstrument.enabled.is_(True))))
    token = principal().token
    if token.is_platform:
        return {key: "read" for key in sorted(enabled)}
    return {key: scope for key, scope in token.scopes.items() if key in enabled}


@bp.route("/regions")
@public
def regions():
    """The regions the token's organisation is a member of."""
    authorize("region.view", user=principal())
    stmt = scoped(select(Region), "region.view", user=principal())
    return paged(stmt, Region.id, lambda r: {"slug": r.slug, "name": r.name, "rmc_code": r.rmc_code},
                 ".regions")


@bp.route("/organisations")
@public
def organisations():
    """The organisations the token's organisation may see; ?kind= filters."""
    authorize("organisation.view", user=principal())
    stmt = scoped(select(Organisation), "organisation.view", user=principal())
    if request.args.get("kind"):
        stmt = stmt.where(Organisation.kind == request.args["kind"])
    return paged(stmt, Organisation.id, lambda o: {"id": o.id, "identifier": o.identifier, "kind": o.kind,
                                                   "name": o.name}, ".organisations")


@bp.route("/organisations/<int:org_id>")
@public
def organisation(org_id):
    """One organisation (404 when the token may not see it)."""
    org = (org_id <= MAX_ID and db_session().get(Organisation, org_id)) or abort(404)
    authorize("organisation.view", org, user=principal())
    return jsonify({"id": org.id, "identifier": org.identifier, "kind": org.kind, "name": org.name})


@bp.route("/instruments")
@public
def instruments():
    """The instruments enabled in the organisation's regions that the token reaches, with its scope."""
    authorize("region.view", user=principal())
    registry = current_app.extensions["regioplatform"]
    scopes = enabled_instruments()
    return jsonify({"data": [{"key": e.key, "name": e.info.name, "scope": scopes[e.key],
                              "sheets": [s.name for s in e.sheets]}
                             for e in registry.ordered() if e.key in scopes], "next": None})


def _agreement_json(a: Agreement) -> dict:
    leading = a.leading
    return {"id": a.id, "region": a.region.slug, "instrument": a.instrument_key, "title": leading.title,
            "status": a.status, "version": leading.number, "fingerprint": leading.fingerprint}


@bp.route("/agreements")
@public
def agreements():
    """Agreements of the instruments the token reaches, in the organisation's regions; ?instrument= filters."""
    authorize("agreement.view", user=principal())
    keys = set(enabled_instruments())
    wanted = request.args.get("instrument")
    if wanted:
        keys &= {wanted}
    stmt = scoped(select(Agreement), "agreement.view", user=principal()).where(Agreement.instrument_key.in_(keys))
    return paged(stmt, Agreement.id, _agreement_json, ".agreements")


@bp.route("/agreements/<int:agreement_id>")
@public
def agreement(agreement_id):
    """One agreement with its status and fingerprint."""
    found = (agreement_id <= MAX_ID and db_session().get(Agreement, agreement_id)) or abort(404)
    authorize("agreement.view", found, user=principal())
    if found.instrument_key not in enabled_instruments():
        abort(404)
    return jsonify(_agreement_json(found))


def _sheet_and_region(instrument: str, sheet: str, scope: str):
    """The declared sheet and the region of the request (?region=, or the organisation's only region with the
    instrument), after the token's instrument scope; 404 for what the token does not reach."""
    from flask_babel import gettext as _

    registry = current_app.extensions["regioplatform"]
    spec = engine.find_sheet(registry, instrument, sheet)
    if spec is None or instrument not in enabled_instruments() or not principal().token.may(instrument, scope):
        abort(404)
    session = db_session()
    candidates = session.scalars(select(Region).join(RegionInstrument, RegionInstrument.region_id == Region.id).where(
        Region.id.in_(_token_regions()), RegionInstrument.instrument_key == instrument,
        RegionInstrument.enabled.is_(True)).order_by(Region.slug)).all()
    wanted = request.args.get("region")
    if wanted:
        candidates = [r for r in candidates if r.slug == wanted]
        if not candidates:
            abort(404)
    elif len(candidates) > 1:
        _bad(_("Uw organisatie zit in meer regio's met dit instrument; kies er een met de parameter region."))
    return spec, candidates[0]


def _offset_cursor() -> tuple[int, int]:
    from flask_babel import gettext as _

    after, limit = 0, DEFAULT_LIMIT
    raw_limit = request.args.get("limit", str(DEFAULT_LIMIT))
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_LIMIT:
        _bad(_("De parameter limit moet een geheel getal van 1 tot en met %(max)d zijn.", max=MAX_LIMIT))
    limit = int(raw_limit)
    cursor = request.args.get("cursor")
    if cursor:
        try:
            after = int(json.loads(base64.urlsafe_b64decode(cursor.encode() + b"==="))["offset"])
        except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
            _bad(_("De parameter cursor is ongeldig; gebruik de waarde uit next van het vorige antwoord."))
        if after < 0:
            _bad(_("De parameter cursor is ongeldig; gebruik de waarde uit next van het vorige antwoord."))
    return after, limit


@bp.route("/datasets/<instrument>/<sheet>", methods=["GET", "POST"])
@public
def dataset(instrument, sheet):
    """The rows of a declared sheet the token's organisation may see (what its Excel export holds), as objects
    keyed by column key, a page at a time; ?<column key>=<value> filters on a column."""
    if request.method == "POST":
        return write_rows(instrument, sheet)
    spec, region = _sheet_and_region(instrument, sheet, "read")
    authorize(spec.read_permission, region, user=principal())
    offset, limit = _offset_cursor()
    session = db_session()
    lookups = engine.build_lookups(session, region)
    identifiers = {org.id: org.identifier for org in lookups.members.values()}
    filters = {k: v for k, v in request.args.items() if k in {c.key for c in spec.columns}}
    rows = (row_object(spec, values, identifiers) for values in engine.export_rows(session, spec, region, principal()))
    if filters:
        rows = (r for r in rows if all(str(r[k]) == v for k, v in filters.items()))
    page = list(itertools.islice(rows, offset, offset + limit + 1))
    next_url = None
    if len(page) > limit:
        page = page[:limit]
        cursor = base64.urlsafe_b64encode(json.dumps({"offset": offset + limit}).encode()).decode().rstrip("=")
        args = {k: v for k, v in request.args.items() if k != "cursor"}
        next_url = url_for(".dataset", instrument=instrument, sheet=sheet, **args, cursor=cursor)
    return jsonify({"region": region.slug, "data": page, "next": next_url})


SCALARS = (str, int, float, bool, type(None))


def _batch(spec) -> list[dict]:
    """The request's {"rows": [...]}, or a 400/422 problem saying what is wrong where."""
    from flask_babel import gettext as _

    request.get_data(cache=True)  # the raw body stays: the request fingerprint, a job's payload
    body = request.get_json(silent=True, cache=False)  # the parsed rows are not kept: a job parses its own copy
    if not isinstance(body, dict) or not isinstance(body.get("rows"), list):
        _bad(_('Stuur een JSON-object met een lijst "rows": elke rij een object met de kolomsleutels van het blad.'))
    rows = body["rows"]
    errors = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            errors.append({"pointer": f"/rows/{index}", "detail": _("Een rij moet een JSON-object zijn.")})
            continue
        for key, value in row.items():
            if not isinstance(value, SCALARS):
                errors.append({"pointer": f"/rows/{index}/{key}",
                               "detail": _("Een waarde moet tekst, een getal, true/false of null zijn.")})
            elif isinstance(value, str) and "\x00" in value:  # PostgreSQL refuses NUL in text
                errors.append({"pointer": f"/rows/{index}/{key}",
                               "detail": _("De waarde bevat een ongeldig teken (NUL).")})
    errors += [{"pointer": where, "detail": _("%(key)s is geen kolom van dit blad.", key=key)}
               for where, key in unknown_keys(spec, [r for r in rows if isinstance(r, dict)])]
    if errors:
        raise _Unprocessable(errors)
    return rows


class _Unprocessable(Exception):
    def __init__(self, errors: list[dict]):
        self.errors = errors


@bp.errorhandler(_Unprocessable)
def unprocessable(error):
    return problem_response(validation_problem(error.errors, request.path))


def _dry_run() -> bool:
    return request.args.get("dry_run") in ("1", "true")


def _fingerprint() -> str:
    return idempotency.request_fingerprint(request.method, request.path, request.query_string,
                                           request.get_data(cache=True))


def _idempotency_key() -> str | None:
    """The request's Idempotency-Key (None without one, or on a dry run, which writes nothing), or a 400."""
    from flask_babel import gettext as _

    key = request.headers.get(idempotency.HEADER)
    if key is None or _dry_run():
        return None
    key = key.strip()
    if not key or len(key) > idempotency.MAX_KEY_LENGTH:
        _bad(_("De kop Idempotency-Key moet 1 tot en met %(max)d tekens hebben.", max=idempotency.MAX_KEY_LENGTH))
    return key


def _replay_or_none():
    """The stored first response to this token's Idempotency-Key (written nothing again), a 422 problem when
    the key came with another request, or None to go on writing."""
    from flask_babel import gettext as _

    key = _idempotency_key()
    if key is None:
        return None
    stored = idempotency.find(db_session(), principal().token.id, key, current_app.config)
    if stored is None:
        return None
    if stored.request_hash != _fingerprint():
        return problem(422, _("Deze Idempotency-Key is al gebruikt voor een ander verzoek; gebruik een nieuwe "
                              "sleutel voor een andere partij."), slug="idempotency-key")
    response = current_app.response_class(stored.body, status=stored.status, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    if stored.status == 202:  # a batch written by a job: where its status is
        response.headers["Location"] = json.loads(stored.body)["location"]
    return response


def write_rows(instrument: str, sheet: str):
    """Validate a batch of rows as the Excel import does and write it all, or nothing (?dry_run=1: only say what
    would change). Re-sending the same batch changes nothing (an upsert on the sheet's natural key).

    A batch of more than API_JOB_MIN_ROWS rows is written by a background job: 202 Accepted, with the status
    URL (under /api/v1/jobs/) in Location."""
    spec, region = _sheet_and_region(instrument, sheet, "write")
    if not spec.permission or spec.model is None:
        abort(405)
    authorize(spec.permission, region, user=principal())
    replay = _replay_or_none()
    if replay is not None:
        return replay
    rows = _batch(spec)
    key = _idempotency_key()
    if api_jobs.runs_as_job(current_app.config, rows):
        del rows  # the job reads the batch from its own row (inline too): one parsed copy in memory, not two
        return _start_write_job(spec, region, instrument, key)
    outcome = write_batch(db_session(), spec=spec, region=region, instrument=instrument, principal=principal(),
                          rows=rows, dry_run=_dry_run(), config=current_app.config, instance=request.path,
                          remember=(key, _fingerprint()) if key is not None else None)
    if outcome.raced and key is not None:
        replay = _replay_or_none()  # the answer of the request alongside that stored the same key first
        if replay is not None:
            return replay
    return _answer(outcome.status, outcome.body)


def _answer(status: int, body: dict):
    return problem_response(body) if status >= 400 else (jsonify(body), status)


def _start_write_job(spec, region, instrument: str, key: str | None):
    """Queue the batch as a job (inline without Redis) and answer 202 with its status document and URL."""
    session = db_session()
    token = principal().token
    job = runner.create(session, kind=api_jobs.WRITE, owner=None, region=region, instrument=instrument,
                        sheet=spec.name, locale=current_language(), api_token=token, commit=False,
                        options={"dry_run": _dry_run(), "path": request.path}, payload=request.get_data(cache=True))
    location = url_for(".job", job_id=job.token)
    if key is not None:  # a re-send with the same key answers this 202 again: the same job, not a second one
        idempotency.remember(session, token.id, key, _fingerprint(), 202,
                             {"id": job.token, "state": "queued", "location": location})
    runner.start(session, job)  # commits the job (and the key); without Redis it runs here and now
    session.refresh(job)
    return _job_response(job, location, 202)


def _job_response(job, location: str, status: int):
    document = api_jobs.status_document(job, current_app.config, location)
    response = jsonify(document)
    response.status_code = status
    response.headers["Location"] = location
    if document["status"] is None:  # still queued or running
        response.headers["Retry-After"] = str(api_jobs.RETRY_AFTER)
    return response


@bp.route("/jobs/<job_id>")
@public
def job(job_id):
    """The state of a batch write that runs as a job and, once it has ended, its answer (for the tokens of the
    organisation whose token sent it; others get 404)."""
    found = None
    if JOB_ID.fullmatch(job_id):
        found = db_session().scalar(select(BackgroundJob).where(BackgroundJob.token == job_id,
                                                                BackgroundJob.kind == api_jobs.WRITE))
    if found is None:
        abort(404)
    authorize("region.view", found, user=principal())
    return _job_response(found, request.path, 200)


@bp.route("/openapi.json")
@public
def openapi():
    """The OpenAPI document, generated from the instruments' declared sheets (no token needed: no data)."""
    from core.api.openapi import document

    return jsonify(document(current_app.extensions["regioplatform"], base_url=current_app.config.get("BASE_URL", "")))


@bp.route("/")
@public
def docs():
    """A readable page beside the OpenAPI document: the endpoints and each sheet's columns."""
    from core.api.openapi import document

    registry = current_app.extensions["regioplatform"]
    return render_template("api/docs.html", doc=document(registry), entries=registry.ordered(),
                           job_rows=int(current_app.config.get("API_JOB_MIN_ROWS", api_jobs.DEFAULT_MIN_ROWS)))
