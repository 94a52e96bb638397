"""Engine, session factory and the declarative base."""
from __future__ import annotations

import enum
import logging
import sys
import traceback
from collections import namedtuple
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import lru_cache
from typing import Iterator

from sqlalchemy import (
    DateTime, Enum, Float, Index, MetaData, PrimaryKeyConstraint, TypeDecorator, UniqueConstraint, create_engine,
    event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

# Stable constraint names so Alembic autogenerate compares like with like on every backend.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as UTC and always gives aware UTC back (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC-aware one is required")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class epoch(FunctionElement):
    """Seconds since 1970 of a stored time, for arithmetic the same way on every backend (SQLite keeps
    times as text, PostgreSQL as timestamps)."""

    type = Float()
    name = "epoch"
    inherit_cache = True


@compiles(epoch, "sqlite")
def _sqlite_epoch(element, compiler, **kw) -> str:
    return f"((julianday({compiler.process(element.clauses, **kw)}) - 2440587.5) * 86400.0)"


@compiles(epoch, "postgresql")
def _postgresql_epoch(element, compiler, **kw) -> str:
    # date_part gives a double; EXTRACT gives a numeric since PostgreSQL 14, several times slower to compute.
    return f"date_part('epoch', {compiler.process(element.clauses, **kw)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    # Enumerations are stored as their text values, never as native database enums,
    # so adding a value is a code change and not a schema migration on every backend.
    type_annotation_map = {
        datetime: UTCDateTime(),
        enum.Enum: Enum(enum.Enum, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e]),
    }


def log_failure(logger: logging.Logger, message: str, *args: object) -> None:
    """Logs the exception being handled. A database error's message quotes row values (PostgreSQL's
    DETAIL: a phone, an MRN), so for those only the error's type, its code and the frames are kept."""
    error = sys.exc_info()[1]
    if not isinstance(error, DBAPIError):
        logger.exception(message, *args)
        return
    driver_error = error.orig
    code = getattr(driver_error, "sqlstate", None) or getattr(driver_error, "sqlite_errorname", None)
    logger.error(message + ": database error %s (SQLSTATE %s)\n%s", *args, type(driver_error).__name__, code,
                 "".join(traceback.format_tb(error.__traceback__)))


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def make_engine(url: str) -> Engine:
    # Statement parameters carry phone numbers and message bodies: never in errors or logs.
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    # JIT compiling cost more than it saved on every query of ours that reached its threshold (the
    # caseload and the program measures: 0.1-0.7 s of compiling for queries of a few hundred ms).
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10, hide_parameters=True,
                         connect_args={"options": "-c jit=off"})


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # pysqlite's own transaction handling defers BEGIN; we issue it ourselves (below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin_immediate(connection) -> None:
    # Writers take the lock up front so concurrent workers queue instead of failing on upgrade.
    # Issued on the driver connection directly: this runs for every transaction.
    connection.connection.dbapi_connection.execute("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with factory() as session, session.begin():
        yield session


def unique_violation(error: IntegrityError) -> list[str] | None:
    """The columns whose unique constraint a write broke (a concurrent writer got there first), or
    None for any other integrity error. Read from the error's codes, never its message's DETAIL,
    which quotes the values (a phone number, an MRN)."""
    driver_error = error.orig
    if getattr(driver_error, "sqlite_errorname", None) == "SQLITE_CONSTRAINT_UNIQUE":
        # "UNIQUE constraint failed: patients.phone": table and column names only.
        named = str(driver_error).partition(": ")[2]
        return [column.rpartition(".")[2] for column in named.split(", ")]
    if getattr(driver_error, "sqlstate", None) == "23505":
        return _unique_columns().get(driver_error.diag.constraint_name, [])
    return None


@lru_cache(maxsize=1)
def _unique_columns() -> dict[str, list[str]]:
    found = {}
    for table in Base.metadata.tables.values():
        for item in (*table.constraints, *table.indexes):
            if isinstance(item, (UniqueConstraint, PrimaryKeyConstraint)) or (isinstance(item, Index) and item.unique):
                found[item.name] = [column.name for column in item.columns]
    return found


class Prepared:
    """A Core statement compiled once per dialect and run on the driver's own cursor.

    For the few statements every inbound text runs, SQLAlchemy's per-execution work costs more
    than the database's. Values still pass through the column types' bind processors, and the
    statement runs inside the caller's transaction (the connection of its Session)."""

    def __init__(self, statement):
        self.statement = statement
        self._compiled: dict[tuple, tuple] = {}

    def _prepare(self, dialect, keys: tuple[str, ...]) -> tuple:
        compiled = self.statement.compile(dialect=dialect, column_keys=list(keys))
        processors = {name: bind.type.bind_processor(dialect) for name, bind in compiled.binds.items()}
        order = compiled.positiontup if dialect.positional else None
        return str(compiled), compiled, processors, order

    def _parameters(self, connection, params: dict):
        key = (connection.dialect.name, tuple(params))
        if key not in self._compiled:
            self._compiled[key] = self._prepare(connection.dialect, tuple(params))
        sql, compiled, processors, order = self._compiled[key]
        values = compiled.construct_params(params)
        for name, process in processors.items():
            if process is not None and name in values:
                values[name] = process(values[name])
        return sql, (tuple(values[name] for name in order) if order is not None else values)

    def execute(self, connection, params: dict):
        """Runs on `connection` (a Connection in a transaction); returns the driver's cursor."""
        sql, values = self._parameters(connection, params)
        cursor = connection.connection.dbapi_connection.cursor()
        driver_error = connection.dialect.loaded_dbapi.Error
        try:
            cursor.execute(sql, values)
        except driver_error as exc:
            # The same exceptions SQLAlchemy raises (IntegrityError, ...), values hidden as everywhere.
            raise DBAPIError.instance(sql, values, exc, driver_error, hide_parameters=True,
                                      dialect=connection.dialect) from exc
        return cursor

    def first(self, connection, params: dict):
        cursor = self.execute(connection, params)
        row = cursor.fetchone()
        if row is None:
            return None
        return _row_type(tuple(column[0] for column in cursor.description))(*row)


@lru_cache(maxsize=64)
def _row_type(names: tuple[str, ...]):
    return namedtuple("Row", names)
