"""The hello instrument's one table (prefixed with its key)."""
from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.plugin_api import Audited, Base


class Greeting(Audited, Base):
    """A greeting an organisation posts in a region."""

    __tablename__ = "hello_greeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(String(200))
