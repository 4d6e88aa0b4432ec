"""Each player's graded and correct answer totals, kept per answer (stats read them, not the log).

Revision ID: 0006_answer_totals
Revises: 0005_drop_posts
Create Date: 2026-12-02 00:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_answer_totals"
down_revision: str | None = "0005_drop_posts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKFILL = """
UPDATE player_streaks SET
  answered = (SELECT count(*) FROM answers WHERE answers.player_id = player_streaks.player_id
              AND answers.correct IS NOT NULL),
  correct = (SELECT count(*) FROM answers WHERE answers.player_id = player_streaks.player_id
             AND answers.correct IS NOT NULL AND answers.correct)
"""


def upgrade() -> None:
    with op.batch_alter_table("player_streaks") as batch:
        batch.add_column(sa.Column("answered", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("correct", sa.Integer(), server_default="0", nullable=False))
    op.execute(BACKFILL)


def downgrade() -> None:
    with op.batch_alter_table("player_streaks") as batch:
        batch.drop_column("correct")
        batch.drop_column("answered")
