"""Alembic migrations of the cnnquiz schema (applied by `quizbot.storage.db.upgrade`)."""
