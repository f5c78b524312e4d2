"""A person's saved views of a list: a name and the list's filters as a query string."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models._types import UTCDateTime, utcnow

# The lists a view can be saved from.
SAVED_VIEW_KINDS = ("cases", "instances")


class SavedView(Model):
    """One user's named filters for the case list or the process-instance list.

    `query` holds only the filters as the list validated them (never a raw query string), so
    opening a saved view asks for nothing the list would not itself have asked for.
    """

    __tablename__ = "saved_view"
    __table_args__ = (UniqueConstraint("user_id", "kind", "name", name="uq_saved_view_user_id_kind_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # one of SAVED_VIEW_KINDS
    name: Mapped[str] = mapped_column(String(100))
    query: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
