"""Who acts on an API request: the token's organisation, with a role the token's scopes give.

`authorize`, `may` and `scoped` (core.authz) take this principal as they take a user: it has one
membership, in the token's organisation, with role "editor" when the token may write for some
instrument and "viewer" otherwise. The token's instrument scope is checked on top (`require_scope`),
so a read-only scope for an instrument never writes there whatever the role grants.

A platform token (no organisation, made by a platform admin) has no membership and `reads_everywhere`:
`authorize` allows it every read action in every region and nothing else (core.authz).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.api.models import ApiToken


@dataclass(frozen=True)
class TokenMembership:
    organisation_id: int
    role: str
    organisation: object = None

    def applies_on(self, day: dt.date | None = None) -> bool:
        return True  # the token itself expires; core.api.tokens.find_token refuses it then


class TokenPrincipal:
    """A stand-in for a user, built from an active API token."""

    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_platform_admin = False

    def __init__(self, token: ApiToken):
        self.token = token
        self.id = f"api-token:{token.id}"  # never a user id: the authorization cache keys on it
        self.name = f"API-sleutel {token.name}"
        self.organisation_id = token.organisation_id
        # a platform token has no membership: core.authz lets it do every read action, in every region
        self.reads_everywhere = token.is_platform
        role = "editor" if "write" in token.scopes.values() else "viewer"
        self.memberships = [] if token.is_platform else [TokenMembership(token.organisation_id, role,
                                                                         token.organisation)]

    def get_id(self) -> str:
        return self.id
