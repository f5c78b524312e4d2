"""Flask extensions, created unbound; create_app() binds them."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Engine, MetaData, Table, event
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)

# Models subclass `Model`: Flask-SQLAlchemy's db.Model, which type checkers see as the typed Base
# it is made from (db.Model is built at run time, so they cannot see it themselves).
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


def table_of(model: type[Base]) -> Table:
    """The one table a model is mapped to, for the plain Core statements of the hot paths.

    SQLAlchemy types `__table__` as any FromClause, since a class may be mapped to a join or a
    select; every model here is mapped to one table, and this says so once, and checks it.
    """
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to one table")
    return table


migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()


def sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """The embedded database's settings: write-ahead log, foreign keys, and commits that
    survive an app crash without an fsync each (WAL with synchronous=NORMAL)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


if not event.contains(Engine, "connect", sqlite_pragmas):
    event.listen(Engine, "connect", sqlite_pragmas)
