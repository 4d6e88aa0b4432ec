"""Reports of bad questions ("Flag"), open until an admin clears them.

Revision ID: 0009_flags
Revises: 0008_drop_admins
Create Date: 2026-12-01 23:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_flags"
down_revision: str | None = "0008_drop_admins"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "question_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("player_id", sa.Integer(), nullable=False),
        sa.Column("ask_id", sa.String(length=32), nullable=False),
        sa.Column("question_key", sa.String(length=160), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("flagged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["ask_id"], ["asks.id"], name=op.f("fk_question_flags_ask_id_asks"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["player_id"],
            ["players.id"],
            name=op.f("fk_question_flags_player_id_players"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_question_flags_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_flags")),
        sa.UniqueConstraint("ask_id", "player_id", name=op.f("uq_question_flags_ask_id_player_id")),
    )
    op.create_index(
        "ix_question_flags_open",
        "question_flags",
        ["workspace_id", "question_key", "cleared_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_question_flags_open", table_name="question_flags")
    op.drop_table("question_flags")
