"""The posting window every worker shares, so a platform's limits hold for all of them.

Revision ID: 0005_drop_posts
Revises: 0004_study
Create Date: 2026-12-01 23:50:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_drop_posts"
down_revision: str | None = "0004_study"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "drop_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drop_posts")),
    )
    op.create_index("ix_drop_posts_platform_at", "drop_posts", ["platform", "at"])
    op.create_index("ix_drop_posts_channel_at", "drop_posts", ["platform", "channel_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_drop_posts_channel_at", table_name="drop_posts")
    op.drop_index("ix_drop_posts_platform_at", table_name="drop_posts")
    op.drop_table("drop_posts")
