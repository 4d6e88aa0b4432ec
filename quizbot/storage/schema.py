"""The full metadata migrations target: core tables plus optional feature packages' tables."""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData

from quizbot.storage.base import Base

# Feature packages that add tables in their own migrations (imported when present).
OPTIONAL_MODEL_MODULES = ("quizbot.drops.models",)


def load_metadata() -> MetaData:
    """Import every model module so `Base.metadata` knows all tables, and return it."""
    importlib.import_module("quizbot.storage.models")
    importlib.import_module("quizbot.storage.install_tables")
    for name in OPTIONAL_MODEL_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not name.startswith(exc.name):
                raise
    return Base.metadata
