"""Dialect-aware INSERT (for ON CONFLICT) shared by the repositories."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    String,
    Table,
    any_,
    bindparam,
    func,
    literal_column,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session


def table_of(model: type) -> Table:
    """A mapped class's Core table (typed as Table for the checker)."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


def insert_for(session: Session | AsyncSession, table: Table) -> Any:
    """An INSERT supporting `on_conflict_do_*` on the session's backend."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def rare(session: Session | AsyncSession, cond: ColumnElement[bool]) -> ColumnElement[bool]:
    """`cond`, told to SQLite's planner to be rarely true (`unlikely`), so it searches an
    index on it whatever ANALYZE's statistics say: most drops are revealed, so their `status`
    alone looks too unselective to use `ix_drops_status_reveal` once statistics exist.
    """
    if session.get_bind().dialect.name == "sqlite":
        # Untyped: a Boolean-typed function would be rendered `unlikely(...) = 1`, which hides
        # the term from the planner.
        return cast(ColumnElement[bool], func.unlikely(cond))
    return cond


_PREPARED: dict[tuple[str, str], Any] = {}


def dialect_insert(dialect: str, table: Table) -> Any:
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


def in_keys(dialect: str, column: Any) -> ColumnElement[bool]:
    """`column` is one of the list bound as "keys" (see `keys_param`).

    One array parameter, not an expanding IN: the SQL text stays the same whatever the
    list's length, so it is compiled once and the database's statement cache holds it.
    """
    if dialect == "postgresql":
        return cast(
            ColumnElement[bool], column == any_(bindparam("keys", type_=postgresql.ARRAY(String)))
        )
    listed: Any = select(literal_column("value")).select_from(func.json_each(bindparam("keys")))
    return cast(ColumnElement[bool], column.in_(listed.scalar_subquery()))


def keys_param(session: Session, keys: Collection[str]) -> object:
    """The "keys" parameter of an `in_keys` statement on the session's backend."""
    if session.get_bind().dialect.name == "postgresql":
        return list(keys)
    return json.dumps(list(keys))


def prepared(session: Session, key: str, build: Callable[[str], Any]) -> Any:
    """A statement built once per dialect (hot paths skip rebuilding and re-coercing it)."""
    dialect = session.get_bind().dialect.name
    stmt = _PREPARED.get((key, dialect))
    if stmt is None:
        stmt = _PREPARED[key, dialect] = build(dialect)
    return stmt


class Scoped:
    """Base of repositories bound to one workspace: every query filters on `self.ws`."""

    def __init__(self, session: Session, workspace_id: int) -> None:
        self.session = session
        self.ws = workspace_id
