"""What the platform stores about one person, for their own download (ASVS 8.3.2, AVG art. 15 and 20).

Only the person's own rows: the account, their memberships and invitations, their sessions, the security
events about their account and the audit entries of what they did (when, what, which object; not the
before/after values, which may hold other people's data). No password hash, no two-factor secret, no token.
"""
from __future__ import annotations

from sqlalchemy import select

from core.audit.models import AuditEntry
from core.db import db_session
from core.identity.models import MembershipInvitation, User, UserSession
from core.operations.security_log import SecurityEvent


def _moment(value) -> str | None:
    return value.isoformat() if value is not None else None


def own_data(user: User) -> dict:
    """A JSON-ready dict of everything stored about `user` that is theirs to see."""
    session = db_session()
    sessions = session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                               .order_by(UserSession.created_at)).all()
    invitations = session.scalars(select(MembershipInvitation).where(MembershipInvitation.user_id == user.id)
                                  .order_by(MembershipInvitation.created_at)).all()
    events = session.scalars(select(SecurityEvent).where(SecurityEvent.user_id == user.id)
                             .order_by(SecurityEvent.at)).all()
    actions = session.execute(select(AuditEntry.at, AuditEntry.action, AuditEntry.object_type, AuditEntry.object_id)
                              .where(AuditEntry.user_id == user.id).order_by(AuditEntry.seq)).all()
    return {
        "account": {"name": user.name, "email": user.email, "created_at": _moment(user.created_at),
                    "language": user.language, "platform_admin": user.is_platform_admin,
                    "platform_role": user.platform_role, "active": user.active,
                    "password_changed_at": _moment(user.password_changed_at)},
        "memberships": [{"organisation": m.organisation.name, "identifier": m.organisation.identifier,
                         "role": m.role, "ends_on": _moment(m.ends_on)} for m in user.memberships],
        "invitations": [{"organisation": i.organisation.name, "role": i.role, "invited_by": i.invited_by,
                         "created_at": _moment(i.created_at), "expires_at": _moment(i.expires_at)}
                        for i in invitations],
        "sessions": [{"created_at": _moment(s.created_at), "last_seen_at": _moment(s.last_seen_at),
                      "ended_at": _moment(s.ended_at), "address": s.address, "browser": s.user_agent}
                     for s in sessions],
        "security_events": [{"at": _moment(e.at), "kind": e.kind, "address": e.address, "path": e.path}
                            for e in events],
        "actions": [{"at": _moment(at), "action": action, "object_type": object_type, "object_id": object_id}
                    for at, action, object_type, object_id in actions],
    }
