"""Security headers and cookie flags on every response, no-store on signed-in pages and downloads,
Dutch error pages without a traceback; the migrated schema equals the models."""
from __future__ import annotations

import pytest
from werkzeug.exceptions import BadRequest

from core.testing import login, make_user

HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"}


def check_headers(response, where: str):
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, f"{where}: {name}"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], where
    for cookie in response.headers.getlist("Set-Cookie"):
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie, f"{where}: {cookie}"


def test_headers_and_no_store_on_public_signed_in_download_and_error_responses(app):
    make_user(app, "invoer@example.nl", org="GM0344", role="editor")
    anonymous = app.test_client()
    responses = {url: anonymous.get(url) for url in ("/inloggen", "/wachtwoord-vergeten", "/bestaat-niet")}
    client = app.test_client()
    responses["login POST"] = login(client, "invoer@example.nl")
    for url in ("/", "/account", "/regio/rmc-19/", "/regio/rmc-29/", "/beheer/",
                "/regio/rmc-19/hello/excel/hello-groeten/sjabloon.xlsx"):
        responses[url] = client.get(url)
    assert [responses[u].status_code for u in ("/", "/account", "/regio/rmc-29/", "/beheer/")] == [200, 200, 404, 403]
    download = responses["/regio/rmc-19/hello/excel/hello-groeten/sjabloon.xlsx"]
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    for where, response in responses.items():
        check_headers(response, where)
        assert response.headers.get("Cache-Control") == "no-store", where


@pytest.mark.parametrize("code,title", [(400, "Ongeldig verzoek"), (403, "Geen toegang"), (404, "Niet gevonden"),
                                        (429, "Te veel pogingen"), (500, "Er ging iets mis")])
def test_dutch_error_pages_without_a_traceback(app_factory, code, title):
    from flask import abort

    from core.security import public

    app = app_factory(TESTING=False, PROPAGATE_EXCEPTIONS=False, DEBUG=False)

    @public
    def boom():
        if code == 500:
            secret = "geheime-variabele-in-de-stack"  # noqa: F841
            raise RuntimeError("kapot: SELECT * FROM user_account")
        if code == 400:
            raise BadRequest("interne details van het verzoek")
        abort(code)

    app.add_url_rule("/kapot", "kapot", boom)
    response = app.test_client().get("/kapot")
    html = response.get_data(as_text=True)
    assert response.status_code == code
    assert '<html lang="nl">' in html and f"<h1>{title}</h1>" in html
    for leak in ("Traceback", "RuntimeError", "kapot:", "user_account", "geheime-variabele", "interne details",
                 "File \"", "werkzeug"):
        assert leak not in html
    check_headers(response, str(code))


def test_migrated_schema_equals_the_models(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import inspect

    from core.db import Base, database

    with app.app_context():
        engine = database().engine
        assert {"user_session", "totp_credential", "recovery_code"} <= set(inspect(engine).get_table_names())
        columns = {c["name"] for c in inspect(engine).get_columns("membership")}
        assert "ends_on" in columns
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
        assert diff == []
