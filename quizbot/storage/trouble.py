"""Database trouble as one line saying what to fix: a bad URL, a failing server, a bad file."""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from quizbot.errors import StorageUnavailable

CONNECT_TIMEOUT_S = 10.0
SQLITE_HEADER = b"SQLite format 3\x00"
EXAMPLE = "e.g. postgresql://user@host:5432/cnnquiz or sqlite:///path/to/cnnquiz.db"


class DatabaseProblem(StorageUnavailable):
    """The configured database cannot be used; `message` says what to change."""


def shown(url: URL) -> str:
    """The URL as it may be printed: never with its password."""
    return url.render_as_string(hide_password=True)


def _looks_like_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError:
        return True  # unreadable: let SQLite itself say why when it opens the file
    return head in (b"", SQLITE_HEADER)  # an empty file becomes a new database


def check_url(url: str) -> URL:
    """The parsed URL if it can name a usable database; DatabaseProblem saying why not.

    Args:
        url: a normalized SQLAlchemy URL (see `quizbot.storage.db.normalize_url`).

    Returns:
        The parsed URL.
    """
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:  # their text may quote the URL, password and all
        reason = "its port is not a number" if isinstance(exc, ValueError) else "it does not parse"
        raise DatabaseProblem(
            f"DATABASE_URL is not a database URL ({reason}); {EXAMPLE}."
        ) from None
    backend = parsed.get_backend_name()
    if backend not in ("postgresql", "sqlite"):
        raise DatabaseProblem(f"{backend} databases are not supported; use {EXAMPLE}.")
    if backend == "sqlite":
        _check_sqlite_path(parsed.database)
    return parsed


def _check_sqlite_path(database: str | None) -> None:
    if not database:
        raise DatabaseProblem(
            "DATABASE_URL names no SQLite file (an in-memory database would keep nothing); "
            "add a path, e.g. sqlite:///data/cnnquiz.db."
        )
    if database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database).expanduser()
    if path.is_dir():
        raise DatabaseProblem(
            f"{path} is a folder; DATABASE_URL must name a file in it, "
            f"e.g. sqlite:///{path / 'cnnquiz.db'}."
        )
    if path.is_file() and not _looks_like_sqlite(path):
        raise DatabaseProblem(
            f"{path} is not a SQLite database (corrupt, or another kind of file); "
            "move it away or point DATABASE_URL at another file."
        )


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """`exc`, the driver error SQLAlchemy wraps, and whatever caused them."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        item = todo.pop(0)
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        todo += [getattr(item, "orig", None), item.__cause__, item.__context__]


def explain(exc: BaseException, url: str) -> DatabaseProblem:
    """What to fix, in one line, for an error raised while opening or migrating `url`."""
    if isinstance(exc, DatabaseProblem):
        return exc
    try:
        parsed = check_url(url)
    except DatabaseProblem as problem:
        return problem
    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    for cause in _causes(exc):
        line = _line(cause, parsed, where)
        if line:
            return DatabaseProblem(line)
    return DatabaseProblem(
        f"Cannot use the database at {shown(parsed)} ({type(exc).__name__}); check DATABASE_URL."
    )


def _line(cause: BaseException, url: URL, where: str) -> str | None:
    name = type(cause).__name__
    if name == "InvalidCatalogNameError":
        return (
            f'The database "{url.database}" does not exist on {where}; '
            f"create it (createdb {url.database}) or fix DATABASE_URL."
        )
    if name in ("InvalidAuthorizationSpecificationError", "InvalidPasswordError"):
        first = str(cause).splitlines()[0][:120]
        return f"{where} refused the login ({first}); fix the user or password in DATABASE_URL."
    if isinstance(cause, TimeoutError):
        return (
            f"The database at {where} did not answer within {CONNECT_TIMEOUT_S:g} s; "
            "check the host and port in DATABASE_URL and that the server is up."
        )
    if isinstance(cause, socket.gaierror):
        return f"Unknown database host {url.host!r}; fix the host in DATABASE_URL."
    if isinstance(cause, ConnectionRefusedError):
        return f"Nothing is listening at {where}; start the database server or fix DATABASE_URL."
    if isinstance(cause, sqlite3.DatabaseError):
        return _sqlite_line(str(cause), url)
    if isinstance(cause, OSError) and url.get_backend_name() == "sqlite":
        reason = cause.strerror or type(cause).__name__
        return f"Cannot create the SQLite file {url.database} ({reason}); fix DATABASE_URL."
    if isinstance(cause, ConnectionError | OSError):
        return f"Lost the connection to {where} ({type(cause).__name__}); is the server up?"
    if isinstance(cause, ImportError | NoSuchModuleError):
        return f"No database driver for {url.drivername}; use {EXAMPLE}."
    return None


def _sqlite_line(message: str, url: URL) -> str:
    if "not a database" in message or "malformed" in message:
        return (
            f"{url.database} is a damaged or truncated SQLite file; restore a backup, "
            "or move it away to start afresh."
        )
    if "unable to open" in message:
        return (
            f"Cannot open the SQLite file {url.database}; check that its folder exists "
            "and is writable."
        )
    if "locked" in message:
        return f"{url.database} is locked by another program; try again when it is done."
    return f"SQLite cannot use {url.database} ({message[:120]}); check DATABASE_URL."
