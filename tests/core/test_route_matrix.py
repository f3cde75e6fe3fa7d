"""The route matrix: every URL rule the app registers (plugins and tests/plugins/hello
included) against every kind of user who must not get through.

* anonymous -> redirected to /inloggen, on every method of every non-public rule;
* a user of another region -> 404 on every /regio/<region>/... rule;
* a user of another organisation in the same region -> 404 on that organisation's object;
* a viewer POSTing anywhere -> 403/404, and nothing is written;
* every regio.<key>.* rule -> 404 where the instrument is not enabled;
* a non-admin -> 403 on every /beheer rule;
* an allowed user -> 200 on every GET rule, so every 404 above is the guard's,
  not a badly built URL; and a view that never calls authorize() answers 500.

The matrix builds URLs from ARG_BUILDERS (one per URL argument name) and
knows every public endpoint by name. A new rule with an argument it cannot
fill, or a new public endpoint, fails the test until it is added, so every
future view is covered.

This file names no instrument but the test-only `hello` (whose agreements stand
in for every instrument's on the core's agreement pages). Each instrument's own
objects, URL arguments and POST payloads come from the `matrix.py` in its test
folder (tests/<key>/matrix.py; the protocol is in tests/plugin_matrix.py).
"""
from __future__ import annotations

import io
import re
import shutil
import types
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Blueprint
from sqlalchemy import func, select

from core import create_app
from core.testing import DEFAULT_PASSWORD, TEST_CONFIG, login, make_user
from tests import plugin_matrix
from tests.conftest import FIXTURE_REGIONS, built_once  # the fixture files plus what each instrument's tests add
from tests.plugins.hello import hooks as hello_hooks

METHODS_SKIPPED = {"HEAD", "OPTIONS"}

# Views reachable without signing in and without an authorization call. Adding
# one is a security decision: it must be added here on purpose.
PUBLIC_ENDPOINTS = {"home.index", "home.health", "auth.login", "auth.logout", "account.set_password",
                    "agreements_public.verify"}
# Accounts (issue 4): the second sign-in step and "forgot password" must work signed out.
PUBLIC_ENDPOINTS |= {"auth.two_factor", "account.forgot_password"}
# The interface (issue 11): the accessibility statement and the language switch work signed out.
PUBLIC_ENDPOINTS |= {"home.accessibility", "home.privacy", "taal.switch"}
# Security (issue 19): the platform's public signing key, to check certificates and audit checkpoints offline.
PUBLIC_ENDPOINTS |= {"signing.published_key"}
# Operations (issue 17): probes for load balancers; /metrics checks its bearer token or a platform admin itself.
PUBLIC_ENDPOINTS |= {"operations.healthz", "operations.readyz", "operations.metrics"}
# Deadlines (issue 24): a calendar app fetches a user's feed with only its secret address (stored hashed);
# an unknown or revoked address answers 404 (tests/core/deadlines/test_ical.py).
PUBLIC_ENDPOINTS |= {"agenda.feed"}
# The JSON API (issue 23): no session; the blueprint answers 401 problem+json without an active bearer token and
# every view authorizes with the token's principal (tests/core/api/ proves 401, and 404/403 for another organisation).
PUBLIC_ENDPOINTS |= {"api_v1.regions", "api_v1.organisations", "api_v1.organisation", "api_v1.instruments",
                     "api_v1.agreements", "api_v1.agreement", "api_v1.dataset", "api_v1.openapi", "api_v1.docs"}
# A large batch's job status (issue 23): the same token check; only tokens of the organisation whose token sent
# the batch see it, any other token gets 404 (tests/core/api/test_write_jobs.py).
PUBLIC_ENDPOINTS |= {"api_v1.job"}
# The whole country (issue 20): a region's public page, off (404) until its coordinators switch it on; it shows only
# what they published (tests/core/test_hooks.py::test_hook_public_figures, tests/<key>/test_public_page.py).
PUBLIC_ENDPOINTS |= {"openbaar.region_page"}
# A signed-in user's own account: every user may POST here, for themselves only (authorize("account.self")).
# The viewer and control tests skip them; tests/core/accounts/ covers them.
SELF_SERVICE_ENDPOINTS = {"account.change_password", "account.two_factor_setup", "account.logout_everywhere",
                          "account.new_recovery_codes"}
SELF_SERVICE_ENDPOINTS |= {"account.end_session"}  # only the user's own sessions (404 for any other id)
# Invitations into an organisation: only the invited person's own (404 for another's; tests/core/accounts/).
SELF_SERVICE_ENDPOINTS |= {"account.accept_invitation", "account.decline_invitation"}
# The user's own reminder choices and iCal address (tests/core/deadlines/ covers them).
SELF_SERVICE_ENDPOINTS |= {"agenda.reminders", "agenda.feed_new", "agenda.feed_revoke"}

USERS = {  # name: (organisation identifier, role); see World
    "viewer": ("GM0344", "viewer"),  # gemeente Utrecht, rmc-19
    "neighbour": ("GM0310", "editor"),  # gemeente De Bilt, rmc-19
    "coordinator": ("MC19", "admin"),  # coordinates rmc-19
    "outsider": ("MC29", "admin"),  # coordinates rmc-29, sees nothing of rmc-19 or rmc-12
    "twente": ("MC12", "admin"),  # coordinates rmc-12, which has no hello
    "platform": (None, None),  # platform admin
}
OWNER_IN = {"rmc-19": "GM0344", "rmc-29": "GM0599", "rmc-12": "MC12"}


@dataclass
class World:
    """Real objects in every fixture region, so every URL points at something that exists."""

    users: dict[str, int] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    orgs: dict[str, int] = field(default_factory=dict)
    consortium_member: dict[str, int] = field(default_factory=dict)
    # hello agreements: out for signing in every region; in rmc-19 also a concept
    # and one the coordinator's organisation signed. Values: (id, fingerprint).
    agreement: dict[str, tuple[int, str]] = field(default_factory=dict)
    concept_agreement: tuple[int, str] = (0, "")
    signed_agreement: tuple[int, str] = (0, "")
    # Per Excel sheet in rmc-19, (instrument, sheet): an exported workbook and the
    # platform admin's staged imports of it, valid ("ready") and with an error ("errors").
    workbook: dict[tuple[str, str], bytes] = field(default_factory=dict)
    staged: dict[tuple[str, str, str], str] = field(default_factory=dict)
    # Per Excel sheet in rmc-19, the platform admin's background jobs: an upload whose process died
    # ("killed": its retry stages the upload) and a finished export ("done": its workbook).
    jobs: dict[tuple[str, str, str], str] = field(default_factory=dict)
    viewer_membership: int = 0
    colleague_membership: int = 0  # a viewer's membership of MC19, the coordinator's organisation
    api_token: int = 0  # an API token of the coordinator's organisation (MC19)
    platform_api_token: int = 0  # a platform read token (no organisation)
    invite_token: str = ""
    # Each instrument's own objects (its matrix.py's build_world keeps its ids here): key -> {name: value}.
    data: dict[str, dict] = field(default_factory=dict)

    def of(self, key: str) -> dict:
        """The objects instrument `key`'s build_world made (a dict it fills and its builders read)."""
        return self.data.setdefault(key, {})

    def org_of(self, who: str) -> int:
        """The id of world user `who`'s organisation."""
        return self.orgs[USERS[who][0]]


AGREEMENT_INSTRUMENT = "hello"  # the instrument whose consortium and agreements the world fills
CONTROL_REGION = "rmc-19"  # where the world's objects for allowed users live


def sheet_of(rule) -> tuple[str, str]:
    return rule.defaults["instrument"], rule.defaults["sheet"]


# One builder per URL argument name: (world, region slug, rule) -> value. Arguments
# that are rule defaults (the Excel pages' instrument and sheet) need none.
ARG_BUILDERS = {
    "region": lambda w, region, rule: region,
    "instrument": lambda w, region, rule: AGREEMENT_INSTRUMENT,
    # Objects of that region; for an unknown region slug, real objects of rmc-19.
    "member_id": lambda w, region, rule: w.consortium_member.get(region, w.consortium_member[CONTROL_REGION]),
    "user_id": lambda w, region, rule: w.users["viewer"],
    "membership_id": lambda w, region, rule: w.viewer_membership,
    "token": lambda w, region, rule: w.invite_token,
    "filename": lambda w, region, rule: "style.css",
    "agreement_id": lambda w, region, rule: w.agreement.get(region, w.agreement[CONTROL_REGION])[0],
    "number": lambda w, region, rule: 1,
    "org_id": lambda w, region, rule: w.orgs["MC19"],  # the coordinator's own organisation (its admin)
    "api_token_id": lambda w, region, rule: w.api_token,  # MC19's API token (its admin is the coordinator)
    "session_id": lambda w, region, rule: 1,  # account.end_session: self-service, covered in tests/core/accounts/
    "key": lambda w, region, rule: "hello",  # a national overview section: hello's first
    "index": lambda w, region, rule: 0,
    "invitation_id": lambda w, region, rule: 1,  # account.*_invitation: self-service, tests/core/accounts/
}
# Where one endpoint needs another object than the builder's, so that an
# allowed user gets a real page or a real write: (endpoint, argument) -> builder.
ARG_OVERRIDES = {
    ("regio.agreement_send", "agreement_id"): lambda w, region, rule: w.concept_agreement[0],
    ("regio.agreement_withdraw", "agreement_id"): lambda w, region, rule: w.signed_agreement[0],
    ("regio.excel_preview", "token"): lambda w, region, rule: w.staged[(*sheet_of(rule), "ready")],
    ("regio.excel_confirm", "token"): lambda w, region, rule: w.staged[(*sheet_of(rule), "ready")],
    ("regio.excel_cancel", "token"): lambda w, region, rule: w.staged[(*sheet_of(rule), "ready")],
    ("regio.excel_errors", "token"): lambda w, region, rule: w.staged[(*sheet_of(rule), "errors")],
    ("regio.excel_marked", "token"): lambda w, region, rule: w.staged[(*sheet_of(rule), "errors")],
    ("regio.excel_job", "job"): lambda w, region, rule: w.jobs[(*sheet_of(rule), "killed")],
    ("regio.excel_job_retry", "job"): lambda w, region, rule: w.jobs[(*sheet_of(rule), "killed")],
    ("regio.excel_job_file", "job"): lambda w, region, rule: w.jobs[(*sheet_of(rule), "done")],
}
# The JSON API's dataset of a declared sheet: hello's (tests/core/api/ covers the endpoint; the matrix builds its URL).
ARG_OVERRIDES[("api_v1.dataset", "sheet")] = lambda w, region, rule: hello_hooks.register_sheets()[0].name
ARG_OVERRIDES[("api_v1.job", "job_id")] = lambda w, region, rule: "matrix-job"  # a public rule: only built here
OWNED = {"token", "job"}  # arguments naming another user's own object: staged uploads, background jobs
OWNED_READS = {"regio.excel_job_file"}  # an export's workbook: the sheet's read permission, then its owner only

# Form data for every non-public POST rule: valid for a user who is allowed,
# so that "nothing is written" for a viewer proves the authorization, not a
# form error. `who` is the user posting. test_allowed_user_with_the_same_payload_writes
# shows each payload really writes (as CONTROL_USERS' user).
POST_PAYLOADS = {
    "regio.consortium": lambda w, who, rule: {"instrument": AGREEMENT_INSTRUMENT, "organisation": w.orgs["GM0356"],
                                              "role": "deelnemer"},
    "regio.remove_consortium_member": lambda w, who, rule: {},
    "admin.user": lambda w, who, rule: {"organisation": w.orgs["GM0310"], "role": "editor"},
    "admin.remove_membership": lambda w, who, rule: {},
    "admin.new_user": lambda w, who, rule: {"email": "nieuw@example.nl", "name": "Nieuwe Gebruiker"},
    "admin.new_organisation": lambda w, who, rule: {"kind": "werkgever", "identifier": "12345678",
                                                    "name": "Nieuw BV"},
    "regio.agreement_new": lambda w, who, rule: agreement_form(w, basis=""),
    "regio.agreement_edit": lambda w, who, rule: agreement_form(w, basis=w.agreement[CONTROL_REGION][1],
                                                                title="Gewijzigd"),
    "regio.agreement_send": lambda w, who, rule: {"basis": w.concept_agreement[1]},
    "regio.agreement_end": lambda w, who, rule: {"basis": w.agreement[CONTROL_REGION][1]},
    "regio.agreement_sign": lambda w, who, rule: {"fingerprint": w.agreement[CONTROL_REGION][1],
                                                  "organisation": w.orgs["MC19"], "agree": "y",
                                                  "password": DEFAULT_PASSWORD},
    "regio.agreement_withdraw": lambda w, who, rule: {"organisation": w.orgs["MC19"]},
    "regio.excel_sheet": lambda w, who, rule: {"file": (io.BytesIO(w.workbook[sheet_of(rule)]), "groeten.xlsx")},
    "regio.excel_confirm": lambda w, who, rule: {},
    "regio.excel_cancel": lambda w, who, rule: {},
    "regio.excel_job_retry": lambda w, who, rule: {},
    "orgs.members": lambda w, who, rule: {"email": "genodigd@matrix.example", "name": "Genodigd", "role": "viewer"},
    "orgs.remove_member": lambda w, who, rule: {},
    "api_tokens.tokens": lambda w, who, rule: {"name": "Matrix", "scope_hello": "read",
                                               "expires_on": (date.today() + timedelta(days=30)).isoformat()},
    "api_tokens.revoke": lambda w, who, rule: {},
    "api_tokens.platform_tokens": lambda w, who, rule: {
        "name": "Matrix", "expires_on": (date.today() + timedelta(days=30)).isoformat()},
    "api_tokens.platform_revoke": lambda w, who, rule: {},
    **{endpoint: (lambda w, who, rule: {}) for endpoint in SELF_SERVICE_ENDPOINTS},
}
# Who may do what a POST rule does (default: the platform admin on /beheer,
# rmc-19's coordinator elsewhere). Staged Excel imports belong to the platform admin.
CONTROL_USERS = {"regio.excel_sheet": "platform", "regio.excel_confirm": "platform", "regio.excel_cancel": "platform",
                 "regio.excel_job_retry": "platform"}

# Accounts (issue 4): a platform admin resets a user's two-factor; it needs a user who has it
# (the coordinator, an organisation admin, is enrolled), or the reset writes nothing.
ARG_OVERRIDES[("api_tokens.platform_revoke", "api_token_id")] = lambda w, region, rule: w.platform_api_token
ARG_OVERRIDES[("admin.reset_two_factor", "user_id")] = lambda w, region, rule: w.users["coordinator"]
POST_PAYLOADS["admin.set_platform_role"] = lambda w, who, rule: {"platform_role": "ministry"}
# An organisation admin removes a member of their own organisation: a colleague of the coordinator's.
ARG_OVERRIDES[("orgs.remove_member", "membership_id")] = lambda w, region, rule: w.colleague_membership
POST_PAYLOADS["admin.reset_two_factor"] = lambda w, who, rule: {}
# The public region page (issue 20): the switch, and a publish of a complete year (make_world: every member of
# hello's consortium in rmc-19 greeted in PUBLIC_YEAR).
PUBLIC_YEAR = "2024-2025"
POST_PAYLOADS["regio.public_switch"] = lambda w, who, rule: {"enabled": "1"}
POST_PAYLOADS["regio.public_publish"] = lambda w, who, rule: {"school_year": PUBLIC_YEAR}

# Pages only platform admins may open (403 for everyone else who sees the region), and sheets only
# platform admins import: the instruments' matrix modules add theirs.
PLATFORM_ADMIN_ONLY: set[str] = {"landelijk.overview", "landelijk.export"}  # and the ministry (test_platform_roles)
ADMIN_IMPORT_SHEETS: set[tuple[str, str]] = set()
# The ministry's own writes (instruments add theirs: MINISTRY_OWN in their matrix.py).
MINISTRY_OWN: set[str] = {"api_tokens.platform_tokens", "api_tokens.platform_revoke"}

# What every instrument's test folder adds (tests/<key>/matrix.py; protocol: tests/plugin_matrix.py).
MATRIX = plugin_matrix.matrix_modules()
for _name in plugin_matrix.CONTRIBUTED + plugin_matrix.CONTRIBUTED_SETS:
    plugin_matrix.merged(MATRIX, _name, globals()[_name])


def hello_template():
    return hello_hooks.agreement_templates()[0]


def sample_terms(template, *, form_fields: bool) -> dict:
    """A valid value for every term: as form fields (term_<i>_<j>) or as the terms dict."""
    typed = {"integer": 7, "decimal": "12.50", "text": "Afgesproken", "boolean": True, "date": "2026-08-01"}
    typed_in_form = {"integer": "7", "decimal": "12,50", "text": "Afgesproken", "boolean": "y", "date": "2026-08-01"}
    out: dict = {}
    for t_index, term in enumerate(template.terms):
        for k_index, key in enumerate(term.keys or (None,)):
            if form_fields:
                out[f"term_{t_index}_{k_index}"] = typed_in_form[term.kind]
            elif key is None:
                out[term.name] = typed[term.kind]
            else:
                out.setdefault(term.name, {})[key] = typed[term.kind]
    return out


def agreement_form(w: World, *, basis: str, title: str = "Groetafspraak Utrecht") -> dict:
    return {"basis": basis, "title": title, "text": "Wij groeten elkaar elke dag.",
            "parties": [w.orgs["MC19"], w.orgs["GM0344"]], **sample_terms(hello_template(), form_fields=True)}


# --- building the matrix -------------------------------------------------------

def all_rules(app):
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint != "static"), key=lambda r: (r.rule, r.endpoint))


def is_public(app, rule) -> bool:
    from core.security import is_public_endpoint

    return is_public_endpoint(app, rule.endpoint)


def guarded_rules(app):
    return [r for r in all_rules(app) if not is_public(app, r)]


def methods(rule) -> list[str]:
    return sorted(rule.methods - METHODS_SKIPPED)


def region_rules(app):
    return [r for r in guarded_rules(app) if r.rule.startswith("/regio/<region>/")]


def rule_instrument(rule) -> str | None:
    """The instrument a region rule is about: its blueprint (regio.<key>.view), its
    fixed `instrument` (Excel pages), or the one the builder fills into <instrument>."""
    parts = rule.endpoint.split(".")
    if len(parts) == 3 and parts[0] == "regio":
        return parts[1]
    if rule.defaults and "instrument" in rule.defaults:
        return rule.defaults["instrument"]
    if "instrument" in rule.arguments:
        return AGREEMENT_INSTRUMENT
    return None


def build_url(rule, world: World, region: str = CONTROL_REGION) -> str:
    values = {}
    for arg in sorted(rule.arguments):
        if rule.defaults and arg in rule.defaults:
            continue
        builder = ARG_OVERRIDES.get((rule.endpoint, arg)) or ARG_BUILDERS.get(arg)
        if builder is None:
            pytest.fail(
                f"the route matrix cannot build {rule.rule} ({rule.endpoint}): no builder for <{arg}>. "
                f"Add one to ARG_BUILDERS (or ARG_OVERRIDES) in tests/core/test_route_matrix.py that returns "
                f"the id of a real object (create it in make_world).", pytrace=False)
        values[arg] = builder(world, region, rule)
    built = rule.build({**(rule.defaults or {}), **values}, append_unknown=False)
    assert built is not None, f"could not build {rule.rule} from {values}"
    return built[1]


def payload(rule, world: World, who: str) -> dict:
    if rule.endpoint not in POST_PAYLOADS:
        pytest.fail(
            f"the route matrix has no form data for POST {rule.rule} ({rule.endpoint}). Add to POST_PAYLOADS "
            f"in tests/core/test_route_matrix.py the data an allowed user would send.", pytrace=False)
    return POST_PAYLOADS[rule.endpoint](world, who, rule)


def request(client, rule, world, method: str, who: str | None, region: str = CONTROL_REGION):
    url = build_url(rule, world, region)
    data = payload(rule, world, who or "viewer") if method == "POST" else None
    return client.open(url, method=method, data=data)


# --- the world ---------------------------------------------------------------

def make_world(app) -> World:
    from core.api.tokens import new_token as new_api_token
    from core.consortia.models import ConsortiumMember
    from core.db import db_session
    from core.identity.password_links import make_token
    from core.identity.models import Membership, User
    from core.orgs.models import Organisation
    from core.regions.models import Region
    from tests.plugins.hello.models import Greeting

    world = World()
    for name, (org, role) in USERS.items():
        email = f"{name}@matrix.example"
        world.emails[name] = email
        world.users[name] = make_user(app, email, org=org, role=role, platform_admin=org is None)
    for owner in ("GM0344", "GM0599"):  # an agreement goes out only when every party has a signatory
        make_user(app, f"signer-{owner.lower()}@matrix.example", org=owner, role="signatory", two_factor=False)
    with app.test_request_context():
        session = db_session()
        world.orgs = dict(session.execute(select(Organisation.identifier, Organisation.id)).all())
        regions = dict(session.execute(select(Region.slug, Region.id)).all())
        for slug, owner in OWNER_IN.items():
            member = ConsortiumMember(region_id=regions[slug], instrument_key=AGREEMENT_INSTRUMENT,
                                      organisation_id=world.orgs[owner], role="penvoerder")
            session.add(member)
            session.flush()
            world.consortium_member[slug] = member.id
        session.add(ConsortiumMember(region_id=regions[CONTROL_REGION], instrument_key=AGREEMENT_INSTRUMENT,
                                     organisation_id=world.orgs["MC19"], role="coordinator"))
        session.add_all([Greeting(region_id=regions[CONTROL_REGION], organisation_id=world.orgs[org], text="Publiek",
                                  school_year=PUBLIC_YEAR) for org in ("GM0344", "MC19")])  # a complete year
        session.flush()
        make_agreements(session, world, regions)
        world.viewer_membership = session.scalar(select(Membership.id).where(Membership.user_id == world.users["viewer"]))
        colleague = User(email="collega-mc19@matrix.example", name="Collega")
        session.add(colleague)
        session.flush()
        session.add(Membership(user_id=colleague.id, organisation_id=world.orgs["MC19"], role="viewer"))
        session.flush()
        world.colleague_membership = session.scalar(select(Membership.id).where(Membership.user_id == colleague.id))
        invitee = User(email="uitgenodigd@matrix.example", name="Uitgenodigd")
        session.add(invitee)
        session.commit()
        world.invite_token = make_token(invitee)
        world.api_token = new_api_token(session, organisation_id=world.orgs["MC19"], name="Matrix",
                                        scopes={AGREEMENT_INSTRUMENT: "read"}, expires_on=date.today() + timedelta(days=30),
                                        created_by_id=world.users["coordinator"])[0].id
        world.platform_api_token = new_api_token(session, organisation_id=None, name="Matrix platform", scopes={},
                                                 expires_on=date.today() + timedelta(days=30),
                                                 created_by_id=world.users["platform"])[0].id
        session.commit()
        for module in MATRIX.values():  # each instrument's own objects (its tests/<key>/matrix.py)
            if hasattr(module, "build_world"):
                module.build_world(session, world, regions)
                session.commit()
        make_staged_imports(app, session, world)
    return world


def make_agreements(session, world: World, regions: dict[str, int]) -> None:
    """Agreements through the core's own service, as a coordinator would make them."""
    from core.agreements import service
    from core.identity.models import User
    from core.orgs.models import Organisation
    from core.regions.models import Region

    template = hello_template()
    terms = sample_terms(template, form_fields=False)
    coordinator = session.get(User, world.users["coordinator"])

    def agreement(slug: str, parties: list[str], *, send: bool = True, sign_as: str | None = None):
        region = session.get(Region, regions[slug])
        orgs = [session.get(Organisation, world.orgs[p]) for p in dict.fromkeys(parties)]
        made = service.create_agreement(session, region=region, instrument_key=AGREEMENT_INSTRUMENT,
                                        template=template, title=f"Groetafspraak {slug}",
                                        text_="Wij groeten elkaar.", terms=terms, parties=orgs, user=coordinator)
        version = made.latest
        if send:
            service.send_for_signing(session, made, basis=version.fingerprint, user=coordinator)
        if sign_as:
            service.sign(session, made, organisation_id=world.orgs[sign_as], fingerprint=version.fingerprint,
                         user=coordinator)
        return made.id, version.fingerprint

    for slug, owner in OWNER_IN.items():
        coordinating = {"rmc-19": "MC19", "rmc-29": "MC29", "rmc-12": "MC12"}[slug]
        world.agreement[slug] = agreement(slug, [coordinating, owner])
    world.concept_agreement = agreement(CONTROL_REGION, ["MC19", "GM0344"], send=False)
    world.signed_agreement = agreement(CONTROL_REGION, ["MC19", "GM0344"], sign_as="MC19")


def make_staged_imports(app, session, world: World) -> None:
    """For every declared sheet: the platform admin's export, re-imported as is (a
    valid staged import) and with its first row doubled (an import with an error)."""
    from core.excel import engine
    from core.identity.models import User
    from core.regions.models import Region

    region = session.scalar(select(Region).where(Region.slug == CONTROL_REGION))
    user = session.get(User, world.users["platform"])
    for entry in app.extensions["regioplatform"].ordered():
        for spec in entry.sheets:
            out = io.BytesIO()
            rows = engine.export_sheet(session, spec=spec, instrument=entry.key, region=region, user=user, out=out)
            assert rows, (f"route matrix: create a row of sheet {spec.name} in {CONTROL_REGION} in build_world of "
                          f"tests/{entry.key}/matrix.py (see tests/plugin_matrix.py)")
            exported = out.getvalue()
            world.workbook[(entry.key, spec.name)] = exported
            for state, data in (("ready", exported), ("errors", with_first_row_doubled(exported))):
                prepared = engine.prepare_import(session, spec=spec, instrument=entry.key, region=region, user=user,
                                                 data=data, filename=f"{spec.name}.xlsx", config=app.config)
                assert prepared.ok is (state == "ready"), prepared.problems[:3]
                staged = engine.stage_prepared(session, prepared, user=user, region=region, instrument=entry.key,
                                               data=data, minutes=60)
                world.staged[(entry.key, spec.name, state)] = staged.token
            world.jobs.update(make_jobs(session, entry.key, spec.name, user, region, exported))


def make_jobs(session, instrument: str, sheet: str, user, region, workbook: bytes) -> dict:
    """The user's killed upload of `workbook` (its process died a day ago) and finished export of it."""
    import datetime as dt

    from core.db import utcnow
    from core.jobs import runner
    from core.jobs.models import DONE, RUNNING

    made = {}
    for state, kind in (("killed", "excel.upload"), ("done", "excel.export")):
        job = runner.create(session, kind=kind, owner=user, region=region, instrument=instrument, sheet=sheet,
                            locale="nl", options={"filename": f"{sheet}.xlsx"},
                            payload=workbook if kind == "excel.upload" else None)
        if state == "killed":
            job.state, job.created_at = RUNNING, utcnow() - dt.timedelta(days=1)
        else:
            job.state, job.result, job.rows_written = DONE, workbook, 1
        session.commit()
        made[(instrument, sheet, state)] = job.token
    return made


def with_first_row_doubled(data: bytes) -> bytes:
    """The workbook with its first data row copied below it: a duplicate natural key."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    for column, cell in enumerate(sheet[2], start=1):
        sheet.cell(row=3, column=column).value = cell.value  # also an empty cell (cell(value=None) keeps the old)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def client_for(app, world: World, who: str):
    client = app.test_client()
    response = login(client, world.emails[who])
    assert response.status_code == 302, f"{who} could not sign in"
    return client


def fingerprint(app) -> dict[str, int]:
    """Row count of every table plus the audit log's last id: any write changes it (except the security log,
    where each refusal is recorded as `access.forbidden`)."""
    from core.audit.models import AuditEntry
    from core.db import Base, db_session

    with app.app_context():
        session = db_session()
        counts = {t.name: session.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables
                  if t.name != "security_event"}
        counts["audit_entry.max_id"] = session.scalar(select(func.max(AuditEntry.id))) or 0
        return counts


@pytest.fixture
def world(app):
    """The matrix's world, built once per test process; every test starts from its own copy."""
    return built_once(app, "route_matrix", make_world)


def cases(rules, methods_of=methods):
    return [(rule, method) for rule in rules for method in methods_of(rule)]


def failures(results) -> str:
    return "\n".join(f"  {method} {url} ({endpoint}): {status}" for method, url, endpoint, status in results)


# --- meta: the matrix knows every rule ------------------------------------------

def test_matrix_knows_every_rule_and_every_public_endpoint(app, world):
    rules = all_rules(app)
    endpoints = {r.endpoint for r in rules}
    # Every instrument (installed ones and the test-only plugin) and the core are in the walk.
    registry = app.extensions["regioplatform"]
    assert set(plugin_matrix.test_plugin_keys()) <= set(registry.entries)
    pages = {f"regio.{e.key}" for e in registry.ordered() if e.blueprint is not None}
    assert pages <= {endpoint.rsplit(".", 1)[0] for endpoint in endpoints}
    assert {"regio.hello.show", "regio.consortium", "admin.index"} <= endpoints
    for rule in rules:
        build_url(rule, world)  # fails loudly for an argument without a builder
    public = {r.endpoint for r in rules if is_public(app, r)}
    assert public == PUBLIC_ENDPOINTS, (
        f"public endpoints changed: new {sorted(public - PUBLIC_ENDPOINTS)}, gone {sorted(PUBLIC_ENDPOINTS - public)}; "
        f"a public view skips sign-in and authorization, so add it to PUBLIC_ENDPOINTS only on purpose")
    posts = {r.endpoint for r in guarded_rules(app) if "POST" in r.methods}
    assert posts == set(POST_PAYLOADS), f"POST_PAYLOADS out of date: {sorted(posts ^ set(POST_PAYLOADS))}"


def test_matrix_fails_loudly_on_a_rule_it_cannot_build(app, world):
    app.add_url_rule("/regio/<region>/raadsel/<int:mystery_id>", "regio_raadsel", lambda region, mystery_id: "")
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "regio_raadsel")
    with pytest.raises(pytest.fail.Exception, match=r"no builder for <mystery_id>"):
        build_url(rule, world)


# --- (a) anonymous -------------------------------------------------------------

def test_anonymous_is_sent_to_login_on_every_guarded_rule(app, world):
    client = app.test_client()
    wrong = []
    matrix = cases(guarded_rules(app))
    assert len(matrix) >= 20
    for rule, method in matrix:
        response = request(client, rule, world, method, None)
        location = response.headers.get("Location", "")
        if response.status_code != 302 or not location.startswith("/inloggen"):
            wrong.append((method, build_url(rule, world), rule.endpoint, f"{response.status_code} {location}"))
    assert not wrong, "anonymous was not sent to /inloggen:\n" + failures(wrong)


def test_anonymous_login_redirect_remembers_the_page(app, world):
    response = app.test_client().get("/regio/rmc-19/hello/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/inloggen?next=/regio/rmc-19/hello/"


# --- (b) another region -----------------------------------------------------------

def test_user_of_another_region_gets_404_on_every_region_rule(app, world):
    client = client_for(app, world, "outsider")
    assert client.get("/regio/rmc-29/").status_code == 200  # their own region works
    wrong = []
    for region in ("rmc-19", "rmc-12", "rmc-99"):
        for rule, method in cases(region_rules(app)):
            response = request(client, rule, world, method, "outsider", region)
            if response.status_code != 404:
                wrong.append((method, build_url(rule, world, region), rule.endpoint, response.status_code))
    assert not wrong, "a user of another region got through:\n" + failures(wrong)
    assert len(region_rules(app)) >= 8


# --- (c) another organisation in the same region ---------------------------------------

def test_user_of_another_organisation_cannot_see_its_object(app, world):
    greeting = world.of("hello")["greeting"]["rmc-19"]
    owner = client_for(app, world, "viewer")
    neighbour = client_for(app, world, "neighbour")
    coordinator = client_for(app, world, "coordinator")

    assert owner.get(f"/regio/rmc-19/hello/{greeting}").status_code == 200
    assert coordinator.get(f"/regio/rmc-19/hello/{greeting}").status_code == 200  # coordinators see every org
    assert neighbour.get(f"/regio/rmc-19/hello/{greeting}").status_code == 404
    # The list is scoped the same way.
    listing = neighbour.get("/regio/rmc-19/hello/")
    assert listing.status_code == 200
    assert "Groet uit rmc-19" not in listing.get_data(as_text=True)
    assert "Groet uit rmc-19" in owner.get("/regio/rmc-19/hello/").get_data(as_text=True)


def test_user_cannot_write_for_another_organisation(app, world):
    neighbour = client_for(app, world, "neighbour")  # an editor, so hello.post is theirs in De Bilt
    before = fingerprint(app)
    response = neighbour.post("/regio/rmc-19/hello/nieuw",
                              data={"organisation": world.orgs["GM0344"], "text": "Namens Utrecht"})
    assert response.status_code in (400, 403, 404)
    assert fingerprint(app) == before
    # Control: for their own organisation the same form writes.
    response = neighbour.post("/regio/rmc-19/hello/nieuw",
                              data={"organisation": world.orgs["GM0310"], "text": "Namens De Bilt"})
    assert response.status_code == 302
    assert fingerprint(app)["hello_greeting"] == before["hello_greeting"] + 1


# --- (d) a viewer cannot POST -------------------------------------------------------

def post_rules(app):
    return [r for r in guarded_rules(app) if "POST" in r.methods]


def test_viewer_post_is_refused_everywhere_and_writes_nothing(app, world):
    client = client_for(app, world, "viewer")
    before = fingerprint(app)
    wrong = []
    rules = [r for r in post_rules(app) if r.endpoint not in SELF_SERVICE_ENDPOINTS]
    assert len(rules) >= 6
    for rule in rules:
        response = request(client, rule, world, "POST", "viewer")
        if response.status_code not in (403, 404):
            wrong.append(("POST", build_url(rule, world), rule.endpoint, response.status_code))
    assert not wrong, "a viewer's POST was not refused:\n" + failures(wrong)
    assert fingerprint(app) == before, "a refused POST wrote to the database"


def control_user(rule) -> str:
    return CONTROL_USERS.get(rule.endpoint) or ("platform" if rule.rule.startswith("/beheer") else "coordinator")


@pytest.mark.parametrize("endpoint", sorted(set(POST_PAYLOADS) - SELF_SERVICE_ENDPOINTS))
def test_allowed_user_with_the_same_payload_writes(app, world, endpoint):
    # Control for the test above: each payload is one a permitted user can
    # write with, so the viewer's 403 is the authorization and not a form error.
    # (test_matrix_knows_every_rule_and_every_public_endpoint keeps POST_PAYLOADS complete.)
    rule = next(r for r in post_rules(app) if r.endpoint == endpoint)
    who = control_user(rule)
    client = client_for(app, world, who)
    before = fingerprint(app)
    response = request(client, rule, world, "POST", who)
    assert response.status_code < 400, f"POST {build_url(rule, world)} as {who}: {response.status_code}"
    assert fingerprint(app) != before, "nothing was written"


# --- (e) disabled instruments ---------------------------------------------------------

def instrument_rules(app, key: str):
    return [r for r in region_rules(app) if rule_instrument(r) == key]


def enabled_elsewhere(app, slug: str) -> str:
    """An instrument with pages that region `slug` enables (a control for a disabled one)."""
    region = next(r for r in app.extensions["regioplatform.regions"] if r.slug == slug)
    enabled = {key for key, decl in region.instruments.items() if decl.enabled}
    return next(e.key for e in app.extensions["regioplatform"].ordered()
                if e.key in enabled and e.blueprint is not None)


def test_hello_rules_are_404_where_hello_is_not_enabled(app, world):
    client = client_for(app, world, "twente")  # coordinator of rmc-12, which does not enable hello
    control = enabled_elsewhere(app, "rmc-12")
    assert client.get(f"/regio/rmc-12/{control}/").status_code == 200
    rules = instrument_rules(app, "hello")  # its pages and the core's pages about it
    assert {"regio.hello.index", "regio.hello.show", "regio.hello.new", "regio.consortium",
            "regio.agreement", "regio.excel_sheet"} <= {r.endpoint for r in rules}
    wrong = []
    for rule, method in cases(rules):
        response = request(client, rule, world, method, "twente", "rmc-12")
        if response.status_code != 404:
            wrong.append((method, build_url(rule, world, "rmc-12"), rule.endpoint, response.status_code))
    assert not wrong, "hello answered in a region that does not enable it:\n" + failures(wrong)
    assert client.get(f"/regio/rmc-12/consortium/{control}").status_code == 200  # the same page, enabled there


def disable_in(directory: Path, slug: str, key: str) -> None:
    path = directory / f"{slug}.toml"
    source = path.read_text(encoding="utf-8")
    new, n = re.subn(rf"(\[instruments\.{key}\]\s*\nenabled\s*=\s*)true", r"\1false", source)
    if n == 0 and f"[instruments.{key}]" in source:
        raise AssertionError(f"cannot disable {key} in {path.name}: write 'enabled = true' first in its table")
    path.write_text(new, encoding="utf-8")


def test_every_instrument_rule_is_404_where_the_instrument_is_disabled(app, app_factory, world, tmp_path):
    from core.db import db_session
    from core.regions.sync import sync_regions

    keys = list(app.extensions["regioplatform"].entries)
    assert set(plugin_matrix.test_plugin_keys()) <= set(keys)  # every installed instrument, and hello
    for key in keys:
        # Its own pages, and the core's pages about it (consortium, agreements, Excel).
        rules = instrument_rules(app, key)
        if not rules:
            continue
        get_rules = [r for r in rules if "GET" in r.methods]
        # A second app on the same database whose rmc-19 file disables `key`.
        regions = tmp_path / f"regions-{key}"
        shutil.copytree(FIXTURE_REGIONS, regions)
        disable_in(regions, "rmc-19", key)
        other = app_factory(reuse_db=True, REGIONS_DIR=str(regions))
        with other.app_context():
            sync_regions(db_session(), other.extensions["regioplatform.regions"])
        client = client_for(other, world, "coordinator")
        wrong = []
        for rule, method in cases(rules):
            response = request(client, rule, world, method, "coordinator")
            if response.status_code != 404:
                wrong.append((method, build_url(rule, world), rule.endpoint, response.status_code))
        assert not wrong, f"{key} answered while disabled in rmc-19:\n" + failures(wrong)
        page = client.get("/regio/rmc-19/").get_data(as_text=True)
        assert f"/regio/rmc-19/{key}/" not in page, f"the region page still links to disabled {key}"
        # The other instruments are untouched.
        for other_key in keys:
            if other_key != key and instrument_rules(app, other_key):
                assert client.get(f"/regio/rmc-19/{other_key}/").status_code == 200
        # Enabled again (the fixture files): the same pages answer, with the same data.
        with app.app_context():
            sync_regions(db_session(), app.extensions["regioplatform.regions"])
        platform = client_for(app, world, "platform")
        for rule in get_rules:
            assert platform.get(build_url(rule, world)).status_code == 200, rule.endpoint


# --- (f) the admin section -------------------------------------------------------------

def test_non_admin_gets_403_on_every_admin_rule(app, world):
    rules = [r for r in guarded_rules(app) if r.rule.startswith("/beheer")]
    assert len(rules) >= 7
    wrong = []
    for who in ("coordinator", "viewer"):
        client = client_for(app, world, who)
        for rule, method in cases(rules):
            response = request(client, rule, world, method, who)
            if response.status_code != 403:
                wrong.append((method, build_url(rule, world), rule.endpoint, f"{response.status_code} as {who}"))
    assert not wrong, "a non-admin reached the admin section:\n" + failures(wrong)


def test_non_admin_gets_403_on_platform_admin_pages(app, world):
    rules = [r for r in guarded_rules(app) if r.endpoint in PLATFORM_ADMIN_ONLY]
    assert {r.endpoint for r in rules} == PLATFORM_ADMIN_ONLY
    wrong = []
    for who in ("coordinator", "viewer", "neighbour"):
        client = client_for(app, world, who)
        for rule, method in cases(rules):
            response = request(client, rule, world, method, who)
            if response.status_code != 403:
                wrong.append((method, build_url(rule, world), rule.endpoint, f"{response.status_code} as {who}"))
    assert not wrong, "a non-admin reached a platform admin page:\n" + failures(wrong)


# --- allowed users are served; the safety net for a forgotten authorize() -----------------

def get_problems(app, world, who: str = "platform") -> list:
    client = client_for(app, world, who)
    out = []
    for rule in guarded_rules(app):
        if "GET" in rule.methods:
            response = client.get(build_url(rule, world))
            if response.status_code != 200:
                out.append(("GET", build_url(rule, world), rule.endpoint, response.status_code))
    return out


def test_allowed_user_gets_200_on_every_get_rule(app, world):
    # Every URL the matrix builds is real (the 404s above are the guards'), and
    # every GET view calls authorize(): one that does not would answer 500 here.
    assert get_problems(app, world) == []
    # The region's coordinator too, except for another user's staged upload, which is private.
    coordinator = client_for(app, world, "coordinator")
    wrong = []
    for rule in region_rules(app):
        if "GET" in rule.methods:
            expected = (403 if sheet_of(rule) in ADMIN_IMPORT_SHEETS and rule.endpoint not in OWNED_READS else 404) \
                if any((rule.endpoint, arg) in ARG_OVERRIDES for arg in OWNED) else \
                403 if rule.endpoint in PLATFORM_ADMIN_ONLY else 200
            response = coordinator.get(build_url(rule, world))
            if response.status_code != expected:
                wrong.append(("GET", build_url(rule, world), rule.endpoint, response.status_code))
    assert not wrong, "the coordinator was not served as expected:\n" + failures(wrong)


def test_view_without_authorize_answers_500(app, world):
    from core.plugin_api import authorize

    app.add_url_rule("/lek", "lek", lambda: "geheime inhoud")
    app.add_url_rule("/dicht", "dicht", lambda: authorize("organisation.view") or "inhoud")
    client = client_for(app, world, "viewer")
    assert client.get("/dicht").status_code == 200  # an authorized request first: its flag must not leak
    response = client.get("/lek")
    assert response.status_code == 500
    assert "geheime inhoud" not in response.get_data(as_text=True)
    assert app.test_client().get("/lek").status_code == 302  # anonymous: still sent to login
    # The matrix itself reports the forgotten call.
    assert ("GET", "/lek", "lek", 500) in get_problems(app, world)


def leaky_plugin() -> types.ModuleType:
    from core.plugin_api import Instrument, authorize, current_region, hookimpl

    bp = Blueprint("lek", __name__)
    bp.add_url_rule("/", "index", lambda: "geheime inhoud")
    bp.add_url_rule("/ok", "ok", lambda: authorize("region.view", current_region()) and "inhoud")
    module = types.ModuleType("fake_lek")
    module.KEY = "lek"
    module.instrument_info = hookimpl(lambda: Instrument(key="lek", name="Lek"))
    module.register_blueprint = hookimpl(lambda: bp)
    return module


def test_plugin_view_without_authorize_answers_500(app, world, tmp_path):
    from core.db import db_session
    from core.regions.sync import sync_regions

    regions = tmp_path / "regions-lek"
    shutil.copytree(FIXTURE_REGIONS, regions)
    path = regions / "rmc-19.toml"
    path.write_text(path.read_text() + "\n[instruments.lek]\nenabled = true\n")
    leaky = create_app({**TEST_CONFIG, "DATABASE_URL": app.config["DATABASE_URL"], "REGIONS_DIR": str(regions)},
                       extra_plugins=[hello_hooks, leaky_plugin()])
    try:
        with leaky.app_context():
            sync_regions(db_session(), leaky.extensions["regioplatform.regions"])
        client = client_for(leaky, world, "coordinator")
        assert client.get("/regio/rmc-19/lek/ok").status_code == 200
        response = client.get("/regio/rmc-19/lek/")
        assert response.status_code == 500
        assert "geheime inhoud" not in response.get_data(as_text=True)
        assert ("GET", "/regio/rmc-19/lek/", "regio.lek.index", 500) in get_problems(leaky, world)
    finally:
        leaky.extensions["regioplatform.db"].dispose()


# --- (g) the ministry (issue 20): reads every region, writes nothing ---------------------------------------------

MINISTRY = "ministerie@matrix.example"
# A user's own objects that no one else opens, whatever they may read (a background job's result file): 403/404.
OWNERS_ONLY = {"regio.excel_job_file"}
# The ministry's own platform read tokens (core.authz "api.platform_tokens": it makes and revokes them itself, as
# platform admins do; tests/core/api/ covers them): its one write, about its own access, not about any region.
def ministry_client(app):
    from core.db import db_session
    from core.identity.models import User

    with app.app_context():
        if db_session().scalar(select(User.id).where(User.email == MINISTRY)) is None:
            make_user(app, MINISTRY, platform_role="ministry")
    client = app.test_client()
    assert login(client, MINISTRY).status_code == 302
    return client


def get_rules(app):
    return [r for r in guarded_rules(app) if "GET" in r.methods and r.endpoint not in SELF_SERVICE_ENDPOINTS]


def test_the_ministry_reads_every_region_and_gets_403_where_reading_is_not_its_part(app, world):
    client = ministry_client(app)
    wrong, answered = [], {}
    for region in ("rmc-19", "rmc-29"):
        for rule in get_rules(app):
            if region != CONTROL_REGION and not rule.rule.startswith("/regio/"):
                continue
            if region != CONTROL_REGION and rule.arguments - {"region"}:
                continue  # objects of the other region: the world builds them in rmc-19
            response = request(client, rule, world, "GET", None, region)
            answered[(region, rule.endpoint)] = response.status_code
            expected = {403} if rule.rule.startswith("/beheer") else {200, 403}
            if rule.endpoint in OWNERS_ONLY:
                expected = {403, 404}
            if rule.endpoint in MINISTRY_OWN:
                expected = {200}
            if response.status_code not in expected:
                wrong.append(("GET", build_url(rule, world, region), rule.endpoint, response.status_code))
    assert not wrong, "the ministry did not read (200) or was not refused (403):\n" + failures(wrong)
    # it reads, in every region: the region overview, every instrument's own start page, the national overview
    for region in ("rmc-19", "rmc-29"):
        assert answered[(region, "regio.overview")] == 200
    assert answered[(CONTROL_REGION, "landelijk.overview")] == 200
    instrument_pages = [e for e, s in answered.items() if e[1].count(".") == 2 and e[1].endswith(".index")]
    assert instrument_pages and all(answered[e] == 200 for e in instrument_pages)


def test_the_ministry_post_is_refused_everywhere_and_writes_nothing(app, world):
    client = ministry_client(app)
    before = fingerprint(app)
    wrong = []
    rules = [r for r in post_rules(app) if r.endpoint not in SELF_SERVICE_ENDPOINTS | MINISTRY_OWN]
    assert len(rules) >= 6
    for region in ("rmc-19", "rmc-29"):
        for rule in rules:
            if region != CONTROL_REGION and (not rule.rule.startswith("/regio/") or rule.arguments - {"region"}):
                continue
            response = request(client, rule, world, "POST", "viewer", region)
            if response.status_code not in (403, 404):
                wrong.append(("POST", build_url(rule, world, region), rule.endpoint, response.status_code))
    assert not wrong, "a ministry POST was not refused:\n" + failures(wrong)
    assert fingerprint(app) == before, "a refused ministry POST wrote to the database"
