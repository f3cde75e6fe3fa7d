"""The template contract (core/template_contract.py, docs/plugins.md "Template contract") is enforced.

Every template of every registered plugin (found through the registry: each
blueprint's template folder, tests/plugins/hello included) uses from the core
only what the contract names: the base layout, the form macros, the URL
helpers, the documented globals and filters. A core endpoint name in
`url_for`, another core template, or a core global outside the list fails.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from jinja2 import Environment, meta, nodes
from jinja2.defaults import DEFAULT_FILTERS, DEFAULT_NAMESPACE, DEFAULT_TESTS

from core import template_contract as contract

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "plugins.md"


@dataclass(frozen=True)
class PluginTemplate:
    key: str
    name: str  # as Jinja loads it: "<key>/index.html"
    path: Path


def plugin_templates(app) -> list[PluginTemplate]:
    """Every template in the template folder of every registered plugin's blueprint."""
    found = []
    for entry in app.extensions["regioplatform"].ordered():
        bp = entry.blueprint
        if bp is None or bp.template_folder is None:
            continue
        folder = Path(bp.root_path) / bp.template_folder
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".html", ".txt", ".xml", ".svg"):
                found.append(PluginTemplate(entry.key, path.relative_to(folder).as_posix(), path))
    return found


def core_names(app) -> set[str]:
    """Every name the core puts into a template's context: Jinja globals and context processors."""
    with app.test_request_context("/"):
        context: dict = {}
        app.update_template_context(context)
    return (set(app.jinja_env.globals) | set(context)) - set(DEFAULT_NAMESPACE)


def context_names(app, source: str) -> set[str]:
    """The names a template reads from its context. jinja2.meta leaves out the environment's globals, so
    the template is parsed again in a bare environment (the app's extensions and filters, no globals)."""
    bare = Environment(extensions=list(app.jinja_env.extensions))
    bare.globals.clear()
    bare.filters.update(app.jinja_env.filters)
    bare.tests.update(app.jinja_env.tests)
    return meta.find_undeclared_variables(bare.parse(source))


def problems_in(app, key: str, source: str, core: set[str]) -> list[str]:
    """What in one plugin template's `source` is outside the template contract."""
    env = app.jinja_env
    tree = env.parse(source)
    out = []
    own = (".", f"regio.{key}.")
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name == "url_for":
            first = call.args[0] if call.args else None
            if not isinstance(first, nodes.Const) or not isinstance(first.value, str):
                out.append("url_for with a computed endpoint (use a literal own endpoint or a URL helper)")
            elif not first.value.startswith(own):
                out.append(f"url_for('{first.value}'): a core endpoint; use a URL helper "
                           f"({', '.join(sorted(contract.URL_HELPERS))})")
    for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        target = node.template
        if not isinstance(target, nodes.Const):
            out.append(f"{type(node).__name__.lower()} of a computed template name")
            continue
        name = target.value
        if name.startswith(f"{key}/"):
            continue
        if isinstance(node, nodes.Extends) and name == contract.BASE_TEMPLATE:
            continue
        if isinstance(node, nodes.FromImport) and name == contract.FORMS_TEMPLATE:
            names = {n if isinstance(n, str) else n[0] for n in node.names}
            unknown = names - set(contract.FORM_MACROS)
            if unknown:
                out.append(f"imports {sorted(unknown)} from {name}: not in the contract's form macros")
            continue
        out.append(f"{type(node).__name__.lower()} of '{name}': not the plugin's own template nor in the contract")
    for block in tree.find_all(nodes.Block):
        if block.name not in contract.BASE_BLOCKS:
            out.append(f"block '{block.name}': the base layout's blocks are {list(contract.BASE_BLOCKS)}")
    used = context_names(app, source)
    for name in sorted((used & core) - contract.allowed_names()):
        out.append(f"uses the core's '{name}', which is not in the template contract")
    core_filters = set(env.filters) - set(DEFAULT_FILTERS)
    for flt in tree.find_all(nodes.Filter):
        if flt.name in core_filters and flt.name not in contract.TEMPLATE_FILTERS:
            out.append(f"filter '{flt.name}' is the core's but not in the template contract")
    core_tests = set(env.tests) - set(DEFAULT_TESTS)
    for test in tree.find_all(nodes.Test):
        if test.name in core_tests:
            out.append(f"test '{test.name}' is the core's but not in the template contract")
    return out


def test_every_plugin_template_keeps_to_the_contract(app):
    templates = plugin_templates(app)
    keys = {t.key for t in templates}
    with_pages = {e.key for e in app.extensions["regioplatform"].ordered() if e.blueprint is not None}
    assert keys == with_pages and "hello" in keys  # every plugin with pages, the worked example too
    core = core_names(app)
    wrong = [f"{t.path.relative_to(ROOT) if t.path.is_relative_to(ROOT) else t.path}: {problem}"
             for t in templates for problem in problems_in(app, t.key, t.path.read_text(encoding="utf-8"), core)]
    assert not wrong, "plugin templates outside the template contract:\n" + "\n".join(wrong)


@pytest.mark.parametrize(("source", "expected"), [
    ("{{ url_for('regio.excel_sheet', instrument='hello', sheet='groeten') }}", "url_for('regio.excel_sheet')"),
    ("{{ url_for('admin.index') }}", "url_for('admin.index')"),
    ("{{ url_for('regio.other.index') }}", "url_for('regio.other.index')"),
    ("{{ url_for(endpoint) }}", "computed endpoint"),
    ('{% extends "agreements/show.html" %}', "extends of 'agreements/show.html'"),
    ('{% include "core/region.html" %}', "include of 'core/region.html'"),
    ('{% import "core/_forms.html" as forms %}', "import of 'core/_forms.html'"),
    ('{% from "core/_forms.html" import secret_macro %}', "secret_macro"),
    ('{% from "other/_macros.html" import x %}', "fromimport of 'other/_macros.html'"),
    ("{{ instruments }}", "core's 'instruments'"),
    ("{{ region_nav }}", "core's 'region_nav'"),
    ("{{ request.path }}", "core's 'request'"),
    ('{% extends "core/base.html" %}{% block sidebar %}{% endblock %}', "block 'sidebar'"),
])
def test_the_checker_finds_what_is_outside_the_contract(app, source, expected):
    problems = problems_in(app, "hello", source, core_names(app))
    assert any(expected in p for p in problems), problems


def test_the_checker_accepts_what_the_contract_allows(app):
    source = """{% extends "core/base.html" %}{% from "core/_forms.html" import error_summary, field %}
    {% from "hello/_own.html" import mine %}{% block title %}{{ _("Groeten") }}{% endblock %}
    {% block content %}<a href="{{ url_for('.index') }}">{{ 1234|getal }}</a>
    <a href="{{ url_for('regio.hello.new') }}"></a><a href="{{ sheet_url('hello', 'hello-groeten') }}"></a>
    <a href="{{ agreement_url('hello', 3) }}"></a><a href="{{ new_agreement_url('hello', 'groet') }}"></a>
    {% if may(current_user, 'hello.post', current_region) %}<input value="{{ csrf_token() }}">{% endif %}
    {{ greetings|length }}{% endblock %}"""
    assert problems_in(app, "hello", source, core_names(app)) == []


def test_url_helpers_give_the_core_pages_urls(app):
    from core import plugin_api

    from flask import g

    with app.test_request_context("/regio/rmc-19/hello/"):
        g.region_slug = "rmc-19"  # as the region blueprint sets it on a page: the helpers take the page's region
        assert plugin_api.region_url() == "/regio/rmc-19/"
        assert plugin_api.sheet_url("hello", "hello-groeten") == "/regio/rmc-19/hello/excel/hello-groeten/"
        assert plugin_api.sheet_template_url("hello", "hello-groeten") == "/regio/rmc-19/hello/excel/hello-groeten/sjabloon.xlsx"
        assert plugin_api.sheet_export_url("hello", "hello-groeten") == "/regio/rmc-19/hello/excel/hello-groeten/export.xlsx"
        assert plugin_api.agreements_url("hello") == "/regio/rmc-19/afspraken/hello/"
        assert plugin_api.agreement_url("hello", 7) == "/regio/rmc-19/afspraken/hello/7/"
        assert plugin_api.new_agreement_url("hello", "groet") == "/regio/rmc-19/afspraken/hello/nieuw?sjabloon=groet"
        assert plugin_api.new_agreement_url("hello") == "/regio/rmc-19/afspraken/hello/nieuw"
        assert plugin_api.consortium_url("hello") == "/regio/rmc-19/consortium/hello"
        assert plugin_api.sheet_url("hello", "hello-groeten", region="rmc-29") == "/regio/rmc-29/hello/excel/hello-groeten/"
        # The same functions are the templates' globals.
        rendered = app.jinja_env.from_string("{{ agreements_url('hello') }} {{ region_url(region='rmc-12') }}").render()
        assert rendered == "/regio/rmc-19/afspraken/hello/ /regio/rmc-12/"
    for name, helper in contract.URL_HELPERS.items():
        assert getattr(plugin_api, name) is helper and name in plugin_api.__all__


def test_a_plugin_page_links_through_the_helpers(app, client):
    from core.testing import login, make_user

    make_user(app, "coord@example.nl", org="MC19", role="admin")
    login(client, "coord@example.nl")
    html = client.get("/regio/rmc-19/hello/").get_data(as_text=True)
    assert 'href="/regio/rmc-19/hello/excel/hello-groeten/"' in html
    assert 'href="/regio/rmc-19/afspraken/hello/"' in html


def test_the_guide_documents_every_name_of_the_contract():
    guide = GUIDE.read_text(encoding="utf-8")
    section = guide.split("## Template contract", 1)[1].split("\n## ", 1)[0]
    names = [contract.BASE_TEMPLATE, contract.FORMS_TEMPLATE, *contract.BASE_BLOCKS, *contract.FORM_MACROS,
             *contract.URL_HELPERS, *contract.TEMPLATE_GLOBALS, *contract.TEMPLATE_FILTERS]
    missing = [n for n in names if f"`{n}" not in section]
    assert not missing, f"docs/plugins.md, section Template contract, does not name {missing}"
