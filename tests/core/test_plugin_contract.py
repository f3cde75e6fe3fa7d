"""The plugin contract: checks get an explicit context, never request state.

* No module of a plugin (built-in under plugins/, or tests/plugins/) imports `g` from flask, reads
  `flask.g`, or reads a user's `.memberships` (to guess a region, or roles that may have ended): row rules,
  screens and agreement-term checks get a `plugin_api.RuleContext` from the core, and memberships are read
  through `plugin_api.active_memberships` / `active_roles` (an ended mandate grants nothing).
* The context reaches rules, screens and term checks; the older signatures without it keep working, with
  a DeprecationWarning. `instrument_settings` takes a region; its zero-argument form is deprecated.

Everything here runs on the test plugin hello, so it holds for any instrument.
"""
from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from core.testing import make_user

ROOT = Path(__file__).resolve().parents[2]
PLUGIN_DIRS = [ROOT / "plugins", ROOT / "tests" / "plugins"]


def contract_violations(source: str) -> list[str]:
    """Request state or raw memberships in a plugin module, one message per finding."""
    problems = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "flask":
            if any(alias.name == "g" for alias in node.names):
                problems.append(f"line {node.lineno}: imports g from {node.module} "
                                "(read the RuleContext the core hands over, or current_region())")
        elif isinstance(node, ast.Attribute):
            if node.attr == "g" and isinstance(node.value, ast.Name) and node.value.id == "flask":
                problems.append(f"line {node.lineno}: reads flask.g (request state)")
            elif node.attr == "memberships":
                problems.append(f"line {node.lineno}: reads .memberships "
                                "(use plugin_api.active_memberships or active_roles)")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in ("getattr", "hasattr") and len(node.args) >= 2
              and isinstance(node.args[1], ast.Constant) and node.args[1].value == "memberships"):
            problems.append(f"line {node.lineno}: reads .memberships through {node.func.id} "
                            "(use plugin_api.active_memberships or active_roles)")
    return problems


PLUGIN_FILES = sorted(p for d in PLUGIN_DIRS for p in d.rglob("*.py") if "__pycache__" not in p.parts)


def test_the_walk_sees_every_plugin_module():
    names = {str(p.relative_to(ROOT)) for p in PLUGIN_FILES}
    assert "tests/plugins/hello/hooks.py" in names
    assert len({p.parent for p in PLUGIN_FILES if p.name == "hooks.py"}) >= 2
    assert any("/views/" in name for name in names) or any(name.endswith("/views.py") for name in names)


@pytest.mark.parametrize("path", PLUGIN_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_plugins_read_no_request_state_and_no_raw_memberships(path):
    assert contract_violations(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(("source", "expected"), [
    ("from flask import g", "imports g from flask"),
    ("from flask import abort, g as state", "imports g from flask"),
    ("from flask.globals import g", "imports g from flask.globals"),
    ("import flask\nregion = flask.g.region", "reads flask.g"),
    ("roles = {m.organisation_id for m in user.memberships}", "reads .memberships"),
    ("roles = getattr(user, 'memberships', ())", "reads .memberships through getattr"),
])
def test_the_checker_reports_request_state(source, expected):
    problems = contract_violations(source)
    assert len(problems) == 1 and expected in problems[0], problems


@pytest.mark.parametrize("source", [
    "from flask import Blueprint, abort, render_template",
    "from core.plugin_api import active_memberships\nown = [m.organisation for m in active_memberships(user)]",
    "members = [m.organisation for m in region.members]",
])
def test_the_checker_allows_the_contract(source):
    assert contract_violations(source) == []


# --- the context reaches rules, screens and term checks ------------------------------------------------

def test_every_registered_rule_screen_and_term_check_takes_the_context(app):
    """The deprecated signatures are for third-party plugins in transition; no registered instrument uses them."""
    from core.regions.context import takes_context

    entries = app.extensions["regioplatform"].entries
    assert "hello" in entries and len(entries) >= 2
    old = []
    for key, entry in entries.items():
        for sheet in entry.sheets:
            old += [f"{key}: sheet {sheet.name}, rule on {r.column}" for r in sheet.rules if not r.with_context]
            if sheet.screen is not None and not takes_context(sheet.screen, 2):
                old.append(f"{key}: sheet {sheet.name}, screen")
        old += [f"{key}: template {t.key}, check" for t in entry.agreement_templates
                if t.check is not None and not takes_context(t.check, 1)]
    assert old == []


def _region(slug="rmc-19"):
    from core.db import db_session
    from core.regions.models import Region

    return db_session().scalar(select(Region).where(Region.slug == slug))


def test_rule_context_carries_region_user_today_settings_and_lookups(app):
    from core.plugin_api import RuleContext

    with app.app_context():
        region = _region()
        context = RuleContext(region, "hello", None, today=dt.date(2025, 10, 1))
        assert context.region is region and context.today == dt.date(2025, 10, 1) and context.user is None
        assert type(context.settings).__name__ == "HelloSettings"  # from the region file, through the registry
        municipalities = context.members("gemeente")
        assert municipalities and all(o.kind == "gemeente" for o in municipalities)
        assert [o.name for o in municipalities] == sorted(o.name for o in municipalities)
        assert context.organisation(municipalities[0].id) is municipalities[0]
        assert context.organisation(None) is None
        with pytest.raises(Exception):
            context.region = None  # frozen


def test_rule_context_today_defaults_to_the_dutch_date_of_the_moment(app, monkeypatch):
    from core.plugin_api import RuleContext
    from core.regions import context as region_context

    with app.app_context():
        assert RuleContext(_region(), "hello").today == region_context.today()
        monkeypatch.setattr(region_context, "today", lambda: dt.date(2030, 1, 2))
        assert RuleContext(_region(), "hello").today == dt.date(2030, 1, 2)


def test_row_rules_get_the_context_and_two_argument_rules_still_work(app):
    from core.plugin_api import RowRule, RuleContext

    told = []

    def new_style(values, labels, context):
        told.append(context)
        return "te veel" if values["a"] > 1 else None

    rule = RowRule("a", new_style, needs=("a",))
    assert rule.with_context
    with pytest.deprecated_call():
        old = RowRule("a", lambda values, labels: "oud" if values["a"] > 2 else None, needs=("a",))
    assert not old.with_context
    with app.app_context():
        context = RuleContext(_region(), "hello")
        assert rule.apply({"a": 2}, {"a": "a"}, context) == "te veel" and told == [context]
        assert old.apply({"a": 3}, {"a": "a"}, context) == "oud"
        assert old.apply({"a": 1}, {"a": "a"}, context) is None


def test_a_rule_reads_region_and_settings_from_the_context(app):
    """The worked example's rule, asked with contexts built by hand (how a plugin tests its rules)."""
    from core.plugin_api import RuleContext

    from tests.plugins.hello.settings import HelloSettings
    from tests.plugins.hello.sheets import GREETINGS

    (rule,) = [r for r in GREETINGS.rules if r.column == "sent_on"]
    labels = {c.key: c.label for c in GREETINGS.columns}
    with app.test_request_context():
        region = _region()
        late = {"sent_on": dt.date(2025, 3, 2)}
        assert rule.apply(late, labels, RuleContext(region, "hello")) is None  # rmc-19 sets no deadline
        context = RuleContext(region, "hello", settings=HelloSettings(deadline=dt.date(2025, 3, 1)))
        assert rule.apply(late, labels, context) == ("verstuurd op (2 maart 2025) ligt na de deadline van regio "
                                                     "Utrecht (1 maart 2025)")
        assert rule.apply({"sent_on": dt.date(2025, 3, 1)}, labels, context) is None


def test_screens_and_term_checks_get_the_context_and_old_signatures_still_work(app):
    from core.excel.validate import screen_of
    from core.plugin_api import AgreementTemplate, AgreementTerm, RuleContext, SheetSpec

    from tests.plugins.hello.sheets import GREETINGS

    told = []
    with app.app_context():
        context = RuleContext(_region(), "hello")
        with_context = SheetSpec(**{**_spec_fields(GREETINGS),
                                    "screen": lambda value, is_header, ctx: told.append(ctx) or None})
        screen_of(with_context, context)("x", False)
        assert told == [context]
        with pytest.deprecated_call():
            old = SheetSpec(**{**_spec_fields(GREETINGS), "screen": lambda value, is_header: "nee"})
        assert screen_of(old, context)("x", False) == "nee"

        term = AgreementTerm("count", "Aantal", kind="integer", required=False)
        seen = []
        template = AgreementTemplate("t", "T", "tekst", terms=(term,),
                                     check=lambda terms, ctx: seen.append(ctx) or {})
        template.validate_terms({"count": "3"}, context)
        assert seen == [context]
        with pytest.deprecated_call():
            legacy = AgreementTemplate("t", "T", "tekst", terms=(term,), check=lambda terms: {"count": "fout"})
        with pytest.raises(Exception, match="fout"):
            legacy.validate_terms({"count": "3"}, context)


def _spec_fields(spec) -> dict:
    from dataclasses import fields

    return {f.name: getattr(spec, f.name) for f in fields(spec)}


def test_the_agreement_service_hands_the_context_to_the_term_check(app):
    from core.agreements import service
    from core.db import db_session
    from core.identity.models import User
    from core.orgs.models import Organisation
    from core.plugin_api import AgreementTemplate, AgreementTerm

    coordinator = "coord@contract.example"
    make_user(app, coordinator, org="MC19", role="admin")
    seen = []
    template = AgreementTemplate("t", "T", "tekst", terms=(AgreementTerm("count", "Aantal", required=False),),
                                 check=lambda terms, ctx: seen.append(ctx) or {})
    with app.test_request_context():
        session = db_session()
        user = session.scalar(select(User).where(User.email == coordinator))
        org = session.scalar(select(Organisation).where(Organisation.identifier == "MC19"))
        made = service.create_agreement(session, region=_region(), instrument_key="hello", template=template,
                                        title="T", text_="tekst", terms={"count": "1"}, parties=[org], user=user)
        assert made.id is not None
    assert [(c.region.slug, c.instrument, c.user.email) for c in seen] == [("rmc-19", "hello", coordinator)]


def test_instrument_settings_takes_a_region_and_the_old_form_still_works(app):
    from flask import g

    from core.plugin_api import instrument_settings

    with app.test_request_context("/regio/rmc-19/hello/"):
        region = _region()
        settings = instrument_settings(region)
        assert type(settings).__name__ == "HelloSettings"
        assert instrument_settings(region, "hello") == settings
        g.region = region
        with pytest.deprecated_call():
            assert instrument_settings() == settings
    with app.app_context():
        assert instrument_settings(_region(), "hello") == settings
        with pytest.raises(RuntimeError, match="instrument="):
            instrument_settings(_region())  # outside an instrument page the key must be given


# --- memberships that apply today ---------------------------------------------------------------------

def test_active_memberships_and_roles_leave_out_ended_mandates(app):
    from core.db import db_session
    from core.identity.models import User
    from core.plugin_api import active_memberships, active_roles

    yesterday = dt.date.today() - dt.timedelta(days=2)
    email, current = "mandaat@contract.example", "lid@contract.example"
    make_user(app, email, org="GM0344", role="signatory", ends_on=yesterday)
    make_user(app, current, org="GM0344", role="editor")
    with app.test_request_context():
        ended = db_session().scalar(select(User).where(User.email == email))
        assert len(ended.memberships) == 1  # stored, but no longer applies
        assert active_memberships(ended) == [] and active_roles(ended) == {}
        member = db_session().scalar(select(User).where(User.email == current))
        (membership,) = active_memberships(member)
        assert membership.organisation.identifier == "GM0344" and membership.role == "editor"
        assert active_roles(member) == {membership.organisation_id: "editor"}
        assert active_memberships(None) == []


def core_endpoint_calls(source: str, key: str) -> list[str]:
    """`url_for` calls in a plugin module that name an endpoint outside the plugin itself.

    A plugin links to the core's pages through plugin_api's URL helpers (sheet_url, agreement_url, ...), as
    its templates do (tests/core/test_template_contract.py); its own pages are `.name` or `regio.<key>.name`.
    """
    own = (".", f"regio.{key}.")
    problems = []
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "url_for"
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
                and not node.args[0].value.startswith(own)):
            problems.append(f"line {node.lineno}: url_for({node.args[0].value!r}) names a core endpoint "
                            "(use plugin_api's URL helpers)")
    return problems


def test_the_endpoint_check_catches_a_core_endpoint():
    source = 'url_for("regio.agreement", instrument="x", agreement_id=1)\nurl_for(".index")\nurl_for("regio.x.show")'
    assert core_endpoint_calls(source, "x") == [
        "line 1: url_for('regio.agreement') names a core endpoint (use plugin_api's URL helpers)"]


@pytest.mark.parametrize("path", PLUGIN_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_plugin_modules_link_to_core_pages_through_the_helpers(path):
    package = path.relative_to(ROOT).parts
    key = package[package.index("plugins") + 1] if len(package) > package.index("plugins") + 2 else ""
    assert core_endpoint_calls(path.read_text(encoding="utf-8"), key) == []
