"""The plugin manager: discovery, per-plugin attribution, validation, region-scoped calls."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import click
import pluggy
from flask import Blueprint

from core import discovery, hookspecs
from core.aggregates import maintain as aggregates
from core.aggregates.declare import Aggregate
from core.agreements.templates import AgreementTemplate
from core.excel.spec import SheetSpec
from core.identity.models import ROLES
from core.instruments import Instrument, Permission
from core.regions.settings import RegionSettings
from core.retention.declare import RetentionRule

ENTRY_POINT_GROUP = discovery.ENTRY_POINT_GROUP
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
PHASE_A = (
    "instrument_info", "register_blueprint", "migration_location", "register_permissions",
    "region_settings_schema", "register_sheets", "agreement_templates", "register_commands",
    "register_aggregates", "retention_rules",
)


class PluginError(RuntimeError):
    """A plugin declared something the core cannot accept; the app refuses to start."""

    def __init__(self, key: str, hook: str, reason: str):
        super().__init__(f"plugin '{key}', hook {hook}: {reason}")


@dataclass(frozen=True)
class InstrumentEntry:
    """Everything one instrument declared, attributed to its key."""

    info: Instrument
    blueprint: Blueprint | None = None
    migrations: Path | None = None
    permissions: tuple[Permission, ...] = ()
    settings_schema: type[RegionSettings] | None = None
    sheets: tuple[SheetSpec, ...] = ()
    agreement_templates: tuple[AgreementTemplate, ...] = ()
    commands: click.Group | None = None
    aggregates: tuple[Aggregate, ...] = ()
    retention: tuple[RetentionRule, ...] = ()

    @property
    def key(self) -> str:
        return self.info.key


@dataclass
class InstrumentRegistry:
    """The validated declarations of all registered instruments, sorted by their order."""

    pm: pluggy.PluginManager
    entries: dict[str, InstrumentEntry] = field(default_factory=dict)

    def permissions(self) -> dict[str, Permission]:
        return {p.name: p for e in self.entries.values() for p in e.permissions}

    def ordered(self) -> list[InstrumentEntry]:
        return sorted(self.entries.values(), key=lambda e: (e.info.order, e.key))

    def for_region(self, enabled_keys: set[str]) -> "RegionHooks":
        return RegionHooks(self, enabled_keys)


class RegionHooks:
    """Calls Phase B hooks only on the instruments enabled in one region.

    Results come back as (key, item) pairs sorted by instrument order.
    """

    def __init__(self, registry: InstrumentRegistry, enabled_keys: set[str]):
        self._registry = registry
        self._enabled = enabled_keys

    def call(self, hook: str, **kwargs) -> list[tuple[str, Any]]:
        results = []
        for entry in self._registry.ordered():
            if entry.key not in self._enabled:
                continue
            caller = _only(self._registry.pm, entry.key, hook)
            for answer in caller(**kwargs):
                for item in answer or ():
                    results.append((entry.key, item))
        return results


def _only(pm: pluggy.PluginManager, name: str, hook: str):
    plugin = pm.get_plugin(name)
    others = [p for n, p in pm.list_name_plugin() if p is not plugin]
    return pm.subset_hook_caller(hook, remove_plugins=others)


def _single(results: list, key: str, hook: str, *, required: bool = False):
    results = [r for r in results if r is not None]
    if len(results) > 1:
        raise PluginError(key, hook, f"returned {len(results)} answers, expected one")
    if not results:
        if required:
            raise PluginError(key, hook, "is required but not implemented")
        return None
    return results[0]


def _flatten(results: list) -> tuple:
    return tuple(item for answer in results if answer for item in answer)


def _declarations(key: str, answers: dict, hook: str, kind: type) -> tuple:
    """The plugin's answers to `hook`, each a `kind` (plugin_api) without `problems()`; PluginError otherwise."""
    items = _flatten(answers[hook])
    for item in items:
        if not isinstance(item, kind):
            raise PluginError(key, hook, f"must return plugin_api.{kind.__name__} items")
        problems = item.problems()
        if problems:
            raise PluginError(key, hook, problems[0])
    return items


def build_manager(extra_plugins: tuple[ModuleType, ...] = (), load_entry_points: bool = True) -> pluggy.PluginManager:
    """Create the plugin manager with the hookspecs, entry-point plugins and extra plugins."""
    pm = pluggy.PluginManager("regioplatform")
    pm.add_hookspecs(hookspecs)
    if load_entry_points:
        try:
            discovery.load_entry_points(pm)  # warns (and leaves out) an entry point whose module is gone
        except pluggy.PluginValidationError as exc:
            raise _validation_error(exc, "?") from exc
        except discovery.EntryPointError as exc:
            raise PluginError(exc.key, "entry point", str(exc)) from exc
        discovery.warn_unregistered_folders()  # a plugin folder nobody installed: warn, start without it
    for module in extra_plugins:
        name = getattr(module, "KEY", None) or module.__name__.rsplit(".", 1)[-1]
        if pm.has_plugin(name):
            raise PluginError(name, "instrument_info", "another plugin is already registered under this key")
        try:
            pm.register(module, name=name)
        except pluggy.PluginValidationError as exc:
            raise _validation_error(exc, name) from exc
    # pm.check_pending() would say "unknown hook 'x' in plugin <module>"; name the key instead.
    for hook_name, caller in vars(pm.hook).items():
        if hook_name.startswith("_") or caller.has_spec():
            continue
        for impl in caller.get_hookimpls():
            if not impl.optionalhook:
                raise PluginError(impl.plugin_name, hook_name,
                                  "unknown hook (not declared in core/hookspecs.py; misspelt?)")
    pm.check_pending()
    return pm


def _validation_error(exc: pluggy.PluginValidationError, fallback_name: str) -> PluginError:
    """Turn pluggy's multi-line message ("Plugin 'x' for hook 'y' ...") into a PluginError."""
    text = str(exc)
    plugin = re.search(r"Plugin '([^']+)'", text)
    hook = re.search(r"hook '([^']+)'", text)
    reason = text.splitlines()[-1] if text else "invalid hook implementation"
    return PluginError(plugin.group(1) if plugin else fallback_name, hook.group(1) if hook else "?", reason)


def build_registry(extra_plugins=(), load_entry_points: bool = True) -> InstrumentRegistry:
    """Discover, attribute and validate every plugin's declarations."""
    pm = build_manager(tuple(extra_plugins), load_entry_points)
    registry = InstrumentRegistry(pm)
    for key, _plugin in pm.list_name_plugin():
        registry.entries[key] = _collect(pm, key)
    _validate_across(registry)
    return registry


def _collect(pm: pluggy.PluginManager, key: str) -> InstrumentEntry:
    if not KEY_RE.match(key):
        raise PluginError(key, "instrument_info", "key must be lower-case letters, digits and underscores")
    answers = {hook: _only(pm, key, hook)() for hook in PHASE_A}
    info = _single(answers["instrument_info"], key, "instrument_info", required=True)
    if not isinstance(info, Instrument):
        raise PluginError(key, "instrument_info", "must return plugin_api.Instrument")
    if info.key != key:
        raise PluginError(key, "instrument_info", f"key '{info.key}' differs from the entry-point name '{key}'")
    blueprint = _single(answers["register_blueprint"], key, "register_blueprint")
    if blueprint is not None and not isinstance(blueprint, Blueprint):
        raise PluginError(key, "register_blueprint", "must return a flask.Blueprint or None")
    migrations = _single(answers["migration_location"], key, "migration_location")
    if migrations is not None:
        migrations = Path(migrations)
        if not migrations.is_dir():
            raise PluginError(key, "migration_location", f"directory {migrations} does not exist")
    permissions = _flatten(answers["register_permissions"])
    for perm in permissions:
        if not isinstance(perm, Permission):
            raise PluginError(key, "register_permissions", "must return plugin_api.Permission items")
        if not perm.name.startswith(f"{key}."):
            raise PluginError(key, "register_permissions", f"permission '{perm.name}' must start with '{key}.'")
        unknown = set(perm.default_roles) - set(ROLES)
        if unknown:
            raise PluginError(key, "register_permissions", f"permission '{perm.name}' names unknown roles {sorted(unknown)}")
    names = [p.name for p in permissions]
    if len(names) != len(set(names)):
        raise PluginError(key, "register_permissions", "duplicate permission names")
    schema = _single(answers["region_settings_schema"], key, "region_settings_schema")
    if schema is not None and not (isinstance(schema, type) and issubclass(schema, RegionSettings)):
        raise PluginError(key, "region_settings_schema", "must return a RegionSettings subclass")
    sheets = _flatten(answers["register_sheets"])
    for sheet in sheets:
        if not isinstance(sheet, SheetSpec):
            raise PluginError(key, "register_sheets", "must return plugin_api.SheetSpec items")
        for perm in (sheet.permission, sheet.view_permission):
            if perm and not perm.startswith(f"{key}."):
                raise PluginError(key, "register_sheets", f"sheet '{sheet.name}' uses permission '{perm}' without the '{key}.' prefix")
    templates = _declarations(key, answers, "agreement_templates", AgreementTemplate)
    template_keys = [t.key for t in templates]
    if len(template_keys) != len(set(template_keys)):
        raise PluginError(key, "agreement_templates", "duplicate template keys")
    commands = _single(answers["register_commands"], key, "register_commands")
    if commands is not None and not isinstance(commands, click.Group):
        raise PluginError(key, "register_commands", "must return a click.Group or None")
    declared = _declarations(key, answers, "register_aggregates", Aggregate)
    agg_names = [a.name for a in declared]
    if len(agg_names) != len(set(agg_names)):
        raise PluginError(key, "register_aggregates", "duplicate aggregate names")
    aggregates.register(key, declared)
    retention = _declarations(key, answers, "retention_rules", RetentionRule)
    return InstrumentEntry(info, blueprint, migrations, permissions, schema, sheets, templates, commands, declared,
                           retention)


def _validate_across(registry: InstrumentRegistry) -> None:
    seen: dict[str, str] = {}
    for entry in registry.ordered():
        for sheet in entry.sheets:
            if sheet.name in seen:
                raise PluginError(entry.key, "register_sheets", f"duplicate sheet '{sheet.name}' (also declared by '{seen[sheet.name]}')")
            seen[sheet.name] = entry.key
            problems = sheet.problems()  # the Excel engine's own checks of the declaration
            if problems:
                raise PluginError(entry.key, "register_sheets", problems[0])
            for perm in (sheet.permission, sheet.view_permission):
                if perm and perm not in {p.name for p in entry.permissions}:
                    raise PluginError(entry.key, "register_sheets",
                                      f"sheet '{sheet.name}' uses permission '{perm}', which the plugin does not register")
