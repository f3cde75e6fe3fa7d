"""Who sees which monitor counts unsuppressed, on top of the core's authorization.

Platform admins see every count as stored; a reporting organisation sees the
counts it reported itself as stored (through a membership that still applies:
an ended mandate grants nothing); everything else goes through the region's
suppression (figures.py, suppression.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from core.plugin_api import active_roles


@dataclass(frozen=True)
class Viewer:
    org_ids: frozenset[int]
    raw: bool  # platform admin: no suppression


def viewer_of(user) -> Viewer:
    if getattr(user, "is_platform_admin", False):
        return Viewer(frozenset(), True)
    return Viewer(frozenset(active_roles(user)), False)
