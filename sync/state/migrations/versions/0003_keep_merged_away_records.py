"""Keep the records merged away in the CRM

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 09:00:00

A merge takes two companies out of the CRM. The snapshot drops them; their last
stored state moves here, with the company they were merged into and whether sidos
made the merge, because what they said about their organisation still holds.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "merged_records",
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("record_id", sa.String(length=200), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("survivor_id", sa.String(length=200), nullable=False),
        sa.Column("by_sidos", sa.Boolean(), nullable=False),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("run_id", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("source", "record_id"),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("merged_records")
