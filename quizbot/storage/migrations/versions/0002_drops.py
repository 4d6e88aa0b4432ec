"""Daily drops: per-channel schedules and the drops table whose unique key is the claim.

Revision ID: 0002_drops
Revises: 0001_core
Create Date: 2026-11-22 00:21:19.901693
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_drops"
down_revision: str | None = "0001_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "drop_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("local_time", sa.String(length=5), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("weekdays", sa.String(length=16), nullable=False),
        sa.Column("reveal_after_minutes", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_drop_schedules_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drop_schedules")),
        sa.UniqueConstraint(
            "workspace_id", "channel_id", name=op.f("uq_drop_schedules_workspace_id_channel_id")
        ),
    )
    op.create_table(
        "drops",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=True),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("question_key", sa.String(length=160), nullable=True),
        sa.Column("ask_id", sa.String(length=32), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_ref", sa.String(length=128), nullable=True),
        sa.Column("reveal_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revealed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reveal_posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["drop_schedules.id"],
            name=op.f("fk_drops_schedule_id_drop_schedules"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_drops_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drops")),
        sa.UniqueConstraint(
            "workspace_id",
            "channel_id",
            "local_date",
            name=op.f("uq_drops_workspace_id_channel_id_local_date"),
        ),
    )
    op.create_index("ix_drops_channel_due", "drops", ["workspace_id", "channel_id", "due_at"])
    op.create_index("ix_drops_status_reveal", "drops", ["status", "reveal_at"])


def downgrade() -> None:
    op.drop_index("ix_drops_status_reveal", table_name="drops")
    op.drop_index("ix_drops_channel_due", table_name="drops")

    op.drop_table("drops")
    op.drop_table("drop_schedules")
