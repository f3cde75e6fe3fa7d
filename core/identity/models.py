"""Users and their memberships in organisations."""
from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.audit.models import Audited
from core.concurrency import Versioned
from core.db import Base, utcnow
from core.orgs.models import Organisation
from core.secret_box import Encrypted

# role -> label, in the reader's language (lazy: evaluated where it is shown; Dutch outside a request)
ROLES: dict[str, str] = {
    "viewer": _l("lezer"),
    "editor": _l("invoerder"),
    "signatory": _l("ondertekenaar"),
    "admin": _l("beheerder"),
}

# A role above the regions (no organisation): the ministry reads every region and records its own
# decisions; an assessor (a national committee) acts on what instruments give it. Which actions each holds
# is declared per permission (core.instruments.Permission.platform_roles).
PLATFORM_ROLES: dict[str, str] = {
    "ministry": _l("ministerie (landelijk, alleen lezen)"),
    "assessor": _l("beoordelaar (landelijke commissie)"),
}


class User(UserMixin, Audited, Base):
    """A person who signs in with e-mail and password."""

    __tablename__ = "user_account"
    __audit_exclude__ = ("password_hash",)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_platform_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # None, or a key of PLATFORM_ROLES: a role in every region, without an organisation
    platform_role: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Raised by "log out everywhere", a password change and a reset: every session
    # row of an older version is refused (core.identity.sessions).
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # The language the user last chose (the language switch): e-mail sent outside a request uses it.
    language: Mapped[str | None] = mapped_column(String(5))

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_active(self) -> bool:  # flask-login
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class Membership(Versioned, Audited, Base):
    """A user's role in one organisation (`Versioned`: an admin's save over a newer one is refused)."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    # The last day the role applies (a signatory's mandate, tekenbevoegdheid); None: no end.
    ends_on: Mapped[dt.date | None] = mapped_column(Date)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(lazy="joined")

    @property
    def role_label(self) -> str:
        return str(ROLES.get(self.role, self.role))

    def applies_on(self, day: dt.date | None = None) -> bool:
        """Whether the role still applies on `day` (default: today); the end date itself is included."""
        return self.ends_on is None or (day or today()) <= self.ends_on


class MembershipInvitation(Audited, Base):
    """An organisation admin's invitation of a person: the membership exists only once its owner accepts.

    `email` is the address the admin typed (what the admin's page shows: never the account's name);
    one open invitation per person and organisation, renewed when the admin invites again.
    """

    __tablename__ = "membership_invitation"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20))
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    invited_by: Mapped[str] = mapped_column(String(200))  # the admin's name, as the invitation shows it
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    organisation: Mapped[Organisation] = relationship(lazy="joined")

    @property
    def role_label(self) -> str:
        return str(ROLES.get(self.role, self.role))


def today() -> dt.date:
    """Today's date in the Netherlands (mandates end at the end of a Dutch day)."""
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo("Europe/Amsterdam")).date()


class UserSession(Base):
    """One signed-in session, server-side: the cookie carries only a random id whose hash is stored here.

    A row is valid while it has not ended, its version equals the user's
    `session_version`, and neither the idle nor the absolute time-out passed.
    """

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(64), default="")


class TotpCredential(Base):
    """A user's authenticator-app secret; `confirmed_at` is set once a first code was right."""

    __tablename__ = "totp_credential"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    secret: Mapped[str] = mapped_column(Encrypted())  # a Fernet token in the database (core/secret_box.py)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_step: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # no code is accepted twice


class RecoveryCode(Base):
    """A single-use recovery code: only a salted SHA-256 is stored, the code is shown once."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    salt: Mapped[str] = mapped_column(String(32))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
