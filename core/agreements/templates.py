"""Agreement templates that instruments offer."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class AgreementTemplate:
    """A convenant template: key, Dutch title, default text and a schema for its structured terms."""

    key: str
    title: str
    text: str
    terms_schema: dict[str, Any] = field(default_factory=dict)
