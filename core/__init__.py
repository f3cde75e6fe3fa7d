"""Regioplatform core: the app factory.

`create_app()` builds one self-contained app: config, plugin registry,
validated region files, database, security, blueprints. Nothing lives at
module level, so tests can build as many apps as they like.
"""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, g
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from core.config import PROJECT_ROOT, check_config, load_config

__all__ = ["create_app"]


def create_app(config: dict | None = None, *, extra_plugins=(), load_entry_points: bool = True) -> Flask:
    """Create the Flask app.

    `config` overrides settings read from the environment; `extra_plugins`
    are plugin modules registered next to the entry-point plugins (tests).
    The app refuses to start (raises) when a plugin declaration or a region
    file is invalid.
    """
    from core import errors, i18n, mail, proxies, secret_box, security, signing, template_contract, urlids
    from core.admin.views import bp as admin_bp
    from core.api import models as _api_models  # noqa: F401  (API tokens in Base.metadata)
    from core.api import idempotency as _api_idempotency  # noqa: F401  (Idempotency-Key records)
    from core.api.views import bp as api_tokens_bp
    from core.api.v1 import views as api_v1
    from core.aggregates import maintain as _aggregates  # noqa: F401  (the sums' table and flush listener)
    from core.agreements import models as _agreement_models  # noqa: F401  (agreements in Base.metadata)
    from core.agreements.views import add_agreement_routes, public_bp as agreements_public_bp
    from core.audit import capture
    from core.authz import may
    from core.consortia.views import add_consortium_routes
    from core.db import Database, close_session, db_session
    from core.deadlines import models as _deadline_models  # noqa: F401  (reminders and feeds in Base.metadata)
    from core.deadlines.views import add_calendar_routes, bp as agenda_bp
    from core.excel import models as _excel_models  # noqa: F401  (staged imports in Base.metadata)
    from core.excel.views import add_excel_routes
    from core.jobs import models as _job_models  # noqa: F401  (background jobs in Base.metadata)
    from core.national.views import bp as national_bp
    from core.public import models as _public_models  # noqa: F401  (the public page switch, published figures)
    from core.public.views import add_public_routes, bp as public_region_bp
    from core.home import bp as home_bp, language_bp
    from core.identity.account import bp as account_bp
    from core.identity import throttle
    from core.identity.views import make_auth_blueprint
    from core.operations import logs, readiness
    from core.operations.views import bp as operations_bp
    from core.orgs.views import bp as orgs_bp
    from core.plugins import build_registry
    from core.regions.loader import load_regions
    from core.regions.views import make_regio_blueprint, region_navigation

    app = Flask("core", instance_path=os.environ.get("INSTANCE_PATH", str(PROJECT_ROOT / "instance")))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    urlids.install(app)  # before any route: ids beyond the database's range are a 404
    app.config.update(load_config(app.instance_path))
    if config:
        app.config.update(config)
    check_config(app.config)
    logs.install(app)  # first: its after_request hook then runs last and logs the final status
    proxies.install(app)
    secret_box.install(app)
    signing.install(app)

    registry = build_registry(extra_plugins, load_entry_points)
    app.extensions["regioplatform"] = registry
    schemas = {key: entry.settings_schema for key, entry in registry.entries.items()}
    app.extensions["regioplatform.regions"] = load_regions(app.config["REGIONS_DIR"], schemas)

    database = Database(app.config["DATABASE_URL"])
    capture.install(database.sessionmaker)
    mail.install(database.sessionmaker)
    app.extensions["regioplatform.db"] = database
    app.teardown_appcontext(close_session)

    login_manager = LoginManager(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in om deze pagina te bekijken."

    @login_manager.user_loader
    def load_user(user_id: str):
        from flask import session as cookie

        from core.identity.sessions import load_signed_in, session_is_valid

        user = load_signed_in(int(user_id))
        if user is None or not user.active or not session_is_valid(user):
            cookie.clear()  # a stale, ended or copied cookie: drop it
            return None
        return user

    CSRFProtect(app)
    limit_storage = app.config["RATELIMIT_STORAGE_URI"] or app.config["REDIS_URL"] or "memory://"
    # Redis down: fail within a second and fall back to process memory (core/identity/throttle.py), never hang.
    storage_options = {"socket_connect_timeout": 1, "socket_timeout": 1} if limit_storage.startswith("redis") else {}
    limiter = Limiter(get_remote_address, app=app, storage_uri=limit_storage, storage_options=storage_options,
                      in_memory_fallback_enabled=True, headers_enabled=True, key_prefix="regioplatform")
    app.extensions["regioplatform.limiter"] = limiter
    throttle.install(app, limiter)

    readiness.install(app)  # the schema gate: 503 while the database schema is behind this code
    security.install(app)
    errors.install(app)
    i18n.install(app, registry)
    template_contract.install(app)  # the URL helpers plugin templates use instead of core endpoint names

    with app.app_context():
        app.register_blueprint(make_auth_blueprint())
    app.register_blueprint(home_bp)
    app.register_blueprint(operations_bp)
    app.register_blueprint(language_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(agenda_bp)  # reminder choices, the iCal address and its feed
    app.register_blueprint(orgs_bp)
    app.register_blueprint(api_tokens_bp)  # an organisation admin's API tokens
    api_v1.install_rate_limit(app, limiter)
    app.extensions["csrf"].exempt(api_v1.bp)  # bearer tokens, no cookies: nothing to forge across sites
    app.register_blueprint(api_v1.bp)  # the JSON API (bearer tokens, problem+json)
    app.register_blueprint(admin_bp)
    app.register_blueprint(national_bp)  # /landelijk/: every region side by side (the ministry, platform admins)
    app.register_blueprint(agreements_public_bp)
    app.register_blueprint(public_region_bp)  # /openbaar/<region>/: opt-in, no login
    regio = make_regio_blueprint(registry)
    add_excel_routes(regio, registry)  # the Excel pages of every declared sheet, behind the region guard
    add_agreement_routes(regio)  # each instrument's agreements, behind the region guard
    add_consortium_routes(regio)  # each instrument's consortium in the region
    add_public_routes(regio)  # the coordinators switch the public page on and publish complete years
    add_calendar_routes(regio)  # the region calendar: every enabled instrument's dates and the core's
    app.register_blueprint(regio)

    for entry in registry.ordered():
        if entry.commands is not None:
            app.cli.add_command(entry.commands, name=entry.key)

    @app.context_processor
    def layout_context():
        region = g.get("region")
        nav = region_navigation(region, current_user) if region is not None and current_user.is_authenticated else []
        return {"current_region": region, "region_nav": nav, "instruments": registry.entries, "may": may}

    return app
