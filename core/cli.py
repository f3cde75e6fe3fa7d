"""The `regio` command: the Flask CLI of the app plus the platform's own commands."""
from __future__ import annotations

import os
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import func, select

from core.regions.loader import RegionFileError


def _create_app():
    from core import create_app

    try:
        return create_app()
    except RegionFileError as exc:
        click.echo("De regiobestanden bevatten fouten; het platform start niet:", err=True)
        for line in exc.errors:
            click.echo(f"  {line}", err=True)
        sys.exit(2)


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True, add_version_option=False)
def main():
    """Regioplatform: regionale afspraken voor mbo-regio's."""


def cli_session():
    """A database session whose audit entries name the command line as actor."""
    from core.audit.capture import ACTOR_KEY
    from core.db import db_session

    session = db_session()
    session.info[ACTOR_KEY] = (None, "regio-cli")
    return session


# --- regio reminders ----------------------------------------------------------

@main.group()
def reminders():
    """E-mail reminders of the dates in the region calendars."""


@reminders.command("send")
@click.option("--today", "today", type=click.DateTime(["%Y-%m-%d"]), help="Send as on this day (JJJJ-MM-DD)")
@with_appcontext
def reminders_send(today):
    """Send the reminders due today, each once: safe to run twice, on two servers at once or after a crash.

    Schedule it daily, e.g. from cron: `15 7 * * * regio reminders send`.
    """
    from core.deadlines.reminders import send_reminders

    click.echo(str(send_reminders(cli_session(), today.date() if today else None)))


# --- regio translations ------------------------------------------------------

@main.group()
def translations():
    """English catalogues of the Dutch UI text (core and plugins)."""


@translations.command("update")
@click.option("--package", "only", help="Only this package (core or a plugin key)")
def translations_update(only):
    """Extract the marked text and add new messages to every catalogue (to be translated)."""
    from core.config import PROJECT_ROOT
    from core.translation_catalogues import TRANSLATED_LANGUAGES, packages, update

    for package in packages(PROJECT_ROOT):
        if only and package.name != only:
            continue
        for language in TRANSLATED_LANGUAGES:
            total, untranslated = update(package, language)
            if total:
                click.echo(f"{package.name} ({language}): {total} teksten, {untranslated} nog te vertalen")


@translations.command("check")
@click.option("--package", "only", help="Only this package (core or a plugin key)")
def translations_check(only):
    """List every marked text without a translation; exit 1 when there is one."""
    from core.config import PROJECT_ROOT
    from core.translation_catalogues import TRANSLATED_LANGUAGES, missing, packages

    problems = [line for package in packages(PROJECT_ROOT) if not only or package.name == only
                for language in TRANSLATED_LANGUAGES for line in missing(package, language)]
    for line in problems:
        click.echo(line)
    click.echo(f"{len(problems)} teksten zonder vertaling")
    sys.exit(1 if problems else 0)


# --- regio db -------------------------------------------------------------

@main.group()
def db():
    """Database schema: upgrade, downgrade, revisions (core and plugins)."""


@db.command("upgrade")
@click.argument("target", default="heads")
@with_appcontext
def db_upgrade(target):
    """Apply all migrations (core and every installed plugin)."""
    from core import migrate

    migrate.upgrade(current_app, target)
    click.echo(f"Database bijgewerkt ({target}).")


@db.command("downgrade")
@click.argument("target")
@with_appcontext
def db_downgrade(target):
    """Revert to TARGET, e.g. `<key>@base` before uninstalling a plugin."""
    from core import migrate

    migrate.downgrade(current_app, target)
    click.echo(f"Database teruggezet naar {target}.")


@db.command("rebuild-aggregates")
@with_appcontext
def db_rebuild_aggregates():
    """Recompute the maintained sums (the national overview's figures) from the rows, in one transaction."""
    from core.aggregates.maintain import rebuild
    from core.db import db_session

    session = db_session()
    count = rebuild(session)
    session.commit()
    click.echo(f"Sommen opnieuw berekend: {count} waarden.")


@db.command("revision")
@click.argument("label")
@click.option("-m", "--message", required=True)
@click.option("--autogenerate", is_flag=True)
@with_appcontext
def db_revision(label, message, autogenerate):
    """Create a revision on LABEL's line ("core" or an instrument key)."""
    from core import migrate

    migrate.revision(current_app, label, message, autogenerate)


# --- regio regions --------------------------------------------------------

@main.group()
def regions():
    """Region files: check and load into the database."""


@regions.command("check")
@click.argument("directory", required=False)
@with_appcontext
def regions_check(directory):
    """Validate the region files in DIRECTORY (default: REGIONS_DIR)."""
    from core.regions.loader import load_regions

    directory = directory or current_app.config["REGIONS_DIR"]
    schemas = {k: e.settings_schema for k, e in current_app.extensions["regioplatform"].entries.items()}
    try:
        decls = load_regions(directory, schemas)
    except RegionFileError as exc:
        for line in exc.errors:
            click.echo(line, err=True)
        click.echo(f"{len(exc.errors)} fout(en) gevonden.", err=True)
        sys.exit(1)
    click.echo(f"{len(decls)} regiobestanden in orde.")


@regions.command("generate")
@click.option("--data", "data_dir", default=None, help="Map met de referentiedata (standaard ../shared/data)")
@click.option("--write", "do_write", is_flag=True, help="Schrijf de bestanden (zonder: alleen tonen wat verandert)")
@click.argument("directory", required=False)
@with_appcontext
def regions_generate(data_dir, do_write, directory):
    """Regenerate the region files in DIRECTORY from the reference data; a dry run unless --write."""
    from core.regions import generate

    directory = directory or current_app.config["REGIONS_DIR"]
    data_dir = data_dir or os.path.join(os.path.dirname(os.path.abspath(directory)), "..", "shared", "data")
    schemas = {k: e.settings_schema for k, e in current_app.extensions["regioplatform"].entries.items()}
    try:
        result = generate.plan(data_dir, directory, schemas)
    except RegionFileError as exc:
        for line in exc.errors:
            click.echo(line, err=True)
        click.echo(f"{len(exc.errors)} fout(en) gevonden; er is niets geschreven.", err=True)
        sys.exit(1)
    moved = {ident for ident, _f, _t in result.moved}
    for code, kind, ident in result.added:
        if ident not in moved:
            click.echo(f"+ {code}: {kind} {ident}")
    for code, kind, ident in result.dropped:
        if ident not in moved:
            click.echo(f"- {code}: {kind} {ident}")
    for ident, old, new in result.moved:
        click.echo(f"~ {ident}: {old} -> {new}")
    click.echo(f"{len(result.added)} toegevoegd, {len(result.moved)} verplaatst, {len(result.dropped)} vervallen; "
               f"{len(result.changed_files)} van {len(result.texts)} bestanden wijzigen.")
    if do_write:
        generate.write(result)
        click.echo(f"{len(result.changed_files)} bestanden geschreven.")
    elif result.changed_files:
        click.echo("Proefdraai: niets geschreven (schrijf met --write).")


@regions.command("sync")
@with_appcontext
def regions_sync():
    """Load the validated region files into the database (idempotent, one transaction)."""
    from core.regions.sync import sync_regions

    report = sync_regions(cli_session(), current_app.extensions["regioplatform.regions"])
    click.echo(str(report))


# --- regio users ----------------------------------------------------------

@main.group()
def users():
    """User accounts."""


@users.command("add")
@click.argument("email")
@click.option("--name", required=True, help="Full name")
@click.option("--org", "org_identifier", help="Organisation identifier (BRIN, CBS code, KvK, RMC code)")
@click.option("--role", type=click.Choice(["viewer", "editor", "signatory", "admin"]), help="Role in --org")
@click.option("--platform-admin", is_flag=True, help="Make the user a platform admin")
@click.option("--platform-role", type=click.Choice(["ministry", "assessor"]),
              help="A role above the regions, without an organisation: the ministry or a national assessor")
@with_appcontext
def users_add(email, name, org_identifier, role, platform_admin, platform_role):
    """Create a user and print a one-time invite link to set the password."""
    from core.identity.password_links import invite_url
    from core.identity.models import Membership, User
    from core.orgs.models import Organisation

    if bool(org_identifier) != bool(role):
        raise click.UsageError("--org and --role go together")
    session = cli_session()
    email = email.strip().lower()
    if session.scalar(select(User).where(func.lower(User.email) == email)):
        raise click.ClickException(f"er bestaat al een gebruiker met e-mailadres {email}")
    org = None
    if org_identifier:
        org = session.scalar(select(Organisation).where(Organisation.identifier == org_identifier.strip().upper()))
        if org is None:
            raise click.ClickException(f"organisatie {org_identifier} bestaat niet (laad eerst de regio's: regio regions sync)")
    user = User(email=email, name=name, is_platform_admin=platform_admin, platform_role=platform_role)
    session.add(user)
    session.flush()
    if org is not None:
        session.add(Membership(user_id=user.id, organisation_id=org.id, role=role))
    session.commit()
    with current_app.test_request_context():
        link = invite_url(user)
    click.echo(f"Gebruiker {email} aangemaakt.")
    click.echo(f"Uitnodigingslink (eenmalig, 7 dagen geldig): {link}")


# --- regio import / export (the Excel engine) ------------------------------

def _excel_target(instrument: str, sheet: str, region_code: str, email: str, action: str):
    """The declared sheet, the region (slug or RMC code) and the acting user, or a Dutch error."""
    from core.authz import may
    from core.db import db_session
    from core.excel.engine import find_sheet
    from core.identity.models import User
    from core.regions.guard import InstrumentDisabled, require_instrument
    from core.regions.models import Region

    registry = current_app.extensions["regioplatform"]
    if instrument not in registry.entries:
        raise click.ClickException(f"instrument '{instrument}' bestaat niet (bekend: {', '.join(sorted(registry.entries))})")
    spec = find_sheet(registry, instrument, sheet)
    if spec is None:
        known = ", ".join(s.name for s in registry.entries[instrument].sheets) or "geen"
        raise click.ClickException(f"instrument '{instrument}' heeft geen werkblad '{sheet}' (wel: {known})")
    session = db_session()
    code = region_code.strip()
    region = session.scalar(select(Region).where((func.lower(Region.slug) == code.lower())
                                                 | (func.upper(Region.rmc_code) == code.upper())))
    if region is None:
        raise click.ClickException(f"regio '{region_code}' bestaat niet (gebruik bijvoorbeeld rmc-19 of MC19)")
    try:
        require_instrument(region, instrument)
    except InstrumentDisabled:
        raise click.ClickException(f"instrument '{instrument}' staat niet aan in regio {region.name}") from None
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.active:
        raise click.ClickException(f"er is geen actieve gebruiker met e-mailadres {email}")
    permission = spec.permission if action == "import" else spec.read_permission
    if not may(user, permission, region):
        raise click.ClickException(f"{user.email} mag '{spec.title}' niet {'importeren' if action == 'import' else 'exporteren'} in regio {region.name}")
    return spec, region, user


@main.command("import")
@click.argument("instrument")
@click.argument("sheet")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--region", "region_code", required=True, help="Region slug (rmc-19) or RMC code (MC19)")
@click.option("--as", "email", required=True, help="E-mail address of the user the import is done as")
@click.option("--dry-run", is_flag=True, help="Check and show the changes without saving them")
@click.option("--hidden", type=click.Choice(["import", "skip"]), default=None,
              help="Rows hidden in the sheet (by hand or a filter): import or skip them; refused when not given")
@with_appcontext
def excel_import(instrument, sheet, file, region_code, email, dry_run, hidden):
    """Import FILE into SHEET of INSTRUMENT: every error with its cell, or the changes, in one transaction."""
    from pathlib import Path

    from core.audit.capture import ACTOR_KEY
    from core.excel import engine
    from core.excel.store import lock_sheet

    spec, region, user = _excel_target(instrument, sheet, region_code, email, "import")
    session = cli_session()
    session.info[ACTOR_KEY] = engine.actor_of(user)
    if not dry_run:
        lock_sheet(session, spec, region.id)  # held until the commit: the diff cannot go stale
    path = Path(file)
    prepared = engine.prepare_import(session, spec=spec, instrument=instrument, region=region, user=user,
                                     data=path.read_bytes(), filename=path.name, config=current_app.config,
                                     hidden=hidden)
    if not prepared.ok:
        session.rollback()
        for problem in prepared.problems:
            click.echo(str(problem), err=True)
        if prepared.error_count > len(prepared.problems):
            click.echo(f"... en nog {prepared.error_count - len(prepared.problems)} fouten", err=True)
        click.echo(f"{prepared.error_count} {'fout' if prepared.error_count == 1 else 'fouten'} in {path.name}; "
                   "er is niets opgeslagen.", err=True)
        sys.exit(1)
    diff = prepared.diff
    click.echo(f"{diff.change_count} wijzigingen: {len(diff.new)} nieuw, {len(diff.changed)} gewijzigd, "
               f"{diff.unchanged} ongewijzigd.")
    if prepared.hidden_rows:
        from core.excel.hidden import chosen, hidden_notice
        click.echo(hidden_notice(prepared.hidden_rows, chosen(hidden, spec)))
    if dry_run:
        session.rollback()
        click.echo("Proefrun: er is niets opgeslagen.")
        return
    try:
        engine.commit_prepared(session, prepared, region, engine.actor_of(user), locked=True)
    except engine.StaleImport as exc:
        session.rollback()
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(f"Opgeslagen in {spec.title} ({region.name}).")


@main.command("export")
@click.argument("instrument")
@click.argument("sheet")
@click.option("--region", "region_code", required=True, help="Region slug (rmc-19) or RMC code (MC19)")
@click.option("--as", "email", required=True, help="E-mail address of the user whose view is exported")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True), help="The .xlsx file to write")
@with_appcontext
def excel_export(instrument, sheet, region_code, email, output):
    """Export what the user may see of SHEET in the region as an .xlsx file."""
    from core.db import db_session
    from core.excel import engine

    spec, region, user = _excel_target(instrument, sheet, region_code, email, "export")
    count = engine.export_sheet(db_session(), spec=spec, instrument=instrument, region=region, user=user, out=output)
    click.echo(f"{count} rijen geschreven naar {output}.")


# --- regio audit ----------------------------------------------------------

@main.group()
def audit():
    """The audit log."""


@audit.command("verify")
@with_appcontext
def audit_verify():
    """Check that no audit entry was changed or removed (also against the newest signed checkpoint)."""
    from core.audit.checkpoint import CheckpointError, latest_checkpoint
    from core.audit.verify import verify_chain
    from core.db import db_session

    try:
        checkpoint = latest_checkpoint(current_app.config["AUDIT_CHECKPOINT_DIR"])
    except CheckpointError as exc:
        click.echo(str(exc), err=True)
        click.echo("Auditlog NIET in orde: het nieuwste checkpoint is niet te vertrouwen.", err=True)
        sys.exit(1)
    count, problems = verify_chain(db_session(), checkpoint=checkpoint)
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        click.echo(f"Auditlog NIET in orde: {len(problems)} probleem/problemen in {count} regels.", err=True)
        sys.exit(1)
    click.echo(f"Auditlog in orde: {count} regels, keten ongebroken.")
    click.echo(f"Tot en met volgnummer {checkpoint.seq} gelijk aan het checkpoint van {checkpoint.at}."
               if checkpoint is not None else
               "Geen checkpoint gevonden (regio audit checkpoint): een verwijderd einde van de log is niet te zien.")


@audit.command("checkpoint")
@with_appcontext
def audit_checkpoint():
    """Write a signed checkpoint of the log's head to AUDIT_CHECKPOINT_DIR (after verifying the log)."""
    from core.audit.checkpoint import CheckpointError, latest_checkpoint, write_checkpoint
    from core.audit.verify import verify_chain
    from core.db import db_session

    directory = current_app.config["AUDIT_CHECKPOINT_DIR"]
    try:
        previous = latest_checkpoint(directory)
    except CheckpointError as exc:
        raise click.ClickException(f"geen checkpoint geschreven: {exc}") from None
    count, problems = verify_chain(db_session(), checkpoint=previous)
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        raise click.ClickException("geen checkpoint geschreven: de auditlog is niet in orde (regio audit verify)")
    checkpoint = write_checkpoint(db_session(), directory)
    click.echo(f"Checkpoint geschreven: volgnummer {checkpoint.seq}, kop-hash {checkpoint.head_hash}, "
               f"{checkpoint.at} -> {checkpoint.path}")


# --- regio demo -----------------------------------------------------------

@main.command("demo")
@click.option("--load-only", is_flag=True, help="Load the demo data without serving")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@with_appcontext
def demo(load_only, host, port):
    """Load the demo (real regions, demo users) and serve it on 127.0.0.1."""
    from core import migrate
    from core.demo import load_demo

    migrate.upgrade(current_app)
    accounts = load_demo(cli_session(), current_app)
    click.echo("Demo-accounts (e-mailadres / wachtwoord / rol):")
    for account in accounts:
        click.echo(f"  {account.email:<56} {account.password}  {account.description}")
    two_factor = [a for a in accounts if a.totp_secret]
    if two_factor:
        click.echo("Tweestapsverificatie (verplicht voor deze accounts): voeg de sleutel toe aan een authenticator-app, "
                   f"of toon de code met: {sys.executable} -c \"import pyotp; print(pyotp.TOTP('SLEUTEL').now())\"")
        for account in two_factor:
            click.echo(f"  {account.email:<56} sleutel {account.totp_secret}")
    if load_only:
        return
    click.echo(f"Regioplatform draait op http://{host}:{port}/  (Ctrl+C stopt)")
    from werkzeug.serving import run_simple

    run_simple(host, port, current_app._get_current_object(), use_reloader=False, threaded=True)


# --- regio keys -------------------------------------------------------------

from core.keys_cli import keys, verify_certificate  # noqa: E402  (their own module: keys and signatures)

main.add_command(keys)
main.add_command(verify_certificate)
# --- regio serve, backup, restore (core/operations) ------------------------

GUNICORN_CONFIG = "python:core.operations.gunicorn_conf"


def gunicorn_command(bind: str | None = None, workers: int | None = None) -> list[str]:
    """The gunicorn command `regio serve` runs: this Python, the repository's config, the app factory."""
    args = [sys.executable, "-m", "gunicorn", "--config", GUNICORN_CONFIG]
    if bind:
        args += ["--bind", bind]
    if workers:
        args += ["--workers", str(workers)]
    return args + ["core:create_app()"]


def _metrics_directory() -> str:
    """PROMETHEUS_MULTIPROC_DIR for this server: the configured one, emptied, or a new one of its own."""
    import os
    import tempfile
    from pathlib import Path

    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(prefix="regio-metrics-")
    Path(directory).mkdir(parents=True, exist_ok=True)
    for stale in Path(directory).glob("*.db"):  # values of a previous run of this server
        stale.unlink()
    return directory


@main.command("serve")
@click.option("--bind", help="Address, e.g. 127.0.0.1:8000 or unix:/run/regio.sock (default: $BIND)")
@click.option("--workers", type=int, help="Worker processes (default: $WEB_CONCURRENCY or 2 x cores + 1)")
def serve(bind, workers):
    """Serve the platform with gunicorn (settings: core/operations/gunicorn_conf.py and the environment)."""
    import os

    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_directory()
    args = gunicorn_command(bind, workers)
    os.execv(args[0], args)


@main.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty (tests, one-off runs)")
@click.option("--name", help="The worker's name in RQ (default: host and process id)")
@with_appcontext
def worker_command(burst, name):
    """Run background jobs (large Excel imports and exports, mail) from Redis (REDIS_URL) with RQ."""
    from core.jobs import queue, worker

    app = current_app._get_current_object()
    if not queue.enabled(app.config):
        click.echo("REDIS_URL is niet ingesteld: taken lopen dan direct in de app en er is geen worker nodig.",
                   err=True)
        sys.exit(2)
    ok = worker.run(app, burst=burst, name=name)
    sys.exit(0 if ok or burst else 1)


@main.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(file):
    """Write the whole database to FILE (SQLite: online backup; PostgreSQL: pg_dump -Fc)."""
    from core.db import database
    from core.operations.backup import BackupError, backup

    try:
        backup(database().engine, file)
    except BackupError as exc:
        click.echo(f"Back-up mislukt: {exc}", err=True)
        sys.exit(1)
    click.echo(f"Back-up geschreven naar {file}.")


@main.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation")
@with_appcontext
def restore_command(file, yes):
    """Replace the database's contents with the backup in FILE (stop the app servers first)."""
    from core.db import database
    from core.operations.backup import BackupError, restore

    if not yes:
        click.confirm("De huidige inhoud van de database wordt vervangen. Doorgaan?", abort=True)
    try:
        restore(database().engine, file)
    except BackupError as exc:
        click.echo(f"Herstel mislukt: {exc}", err=True)
        sys.exit(1)
    click.echo(f"Database hersteld uit {file}. Controleer de auditlog met: regio audit verify")


@main.command("purge")
@with_appcontext
def purge_command():
    """Remove expired uploads (staged imports), ended sign-in sessions and what is past its retention period
    (RETENTION_* settings); run it periodically (cron)."""
    from core.db import db_session
    from core.operations.purge import purge

    registry = current_app.extensions["regioplatform"]
    rules = {key: entry.retention for key, entry in registry.entries.items() if entry.retention}
    purged = purge(db_session(), current_app.config, rules=rules)
    click.echo(f"Opgeruimd: {purged.staged_imports} verlopen uploads, {purged.sessions} beëindigde sessies, "
               f"{purged.mail_bodies} teksten van verzonden e-mails.")
    click.echo(f"Na hun bewaartermijn verwijderd: {purged.security_events} beveiligingsgebeurtenissen, "
               f"{purged.mail_messages} e-mails uit de outbox, {purged.jobs} achtergrondtaken, "
               f"{purged.idempotency_keys} opgeslagen API-antwoorden (Idempotency-Key), "
               f"{purged.invitations} verlopen uitnodigingen.")
    for removed in purged.instrument_rows:
        counts = ", ".join(f"{n} uit {table}" for table, n in sorted(removed.counts.items()))
        click.echo(f"Bewaartermijn {removed.instrument} in {removed.region_slug}: {counts} "
                   f"(ouder dan {removed.cutoff.isoformat()}); de totalen blijven.")
