"""Local user accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.store.dialect import as_utc
from paperboy.store.schema import users


@dataclass(slots=True)
class Account:
    id: int
    username: str
    email: str | None
    fullname: str | None
    password_hash: str | None
    email_verified_at: datetime | None
    is_admin: bool
    is_moderator: bool
    origin: str
    disabled: bool

    @property
    def can_moderate(self) -> bool:
        return self.is_admin or self.is_moderator

    @property
    def display_name(self) -> str:
        return self.fullname or self.username


def _account(row: sa.Row | None) -> Account | None:
    if row is None:
        return None
    m = row._mapping
    return Account(
        id=m["id"],
        username=m["username"],
        email=m["email"],
        fullname=m["fullname"],
        password_hash=m["password_hash"],
        email_verified_at=as_utc(m["email_verified_at"]),
        is_admin=m["is_admin"],
        is_moderator=m["is_moderator"],
        origin=m["origin"],
        disabled=m["disabled_at"] is not None,
    )


def by_id(conn: Connection, user_id: int) -> Account | None:
    return _account(conn.execute(sa.select(users).where(users.c.id == user_id)).first())


def by_login(conn: Connection, login: str) -> Account | None:
    """A local account by email (case-insensitive) or username."""
    login = login.strip()
    condition = sa.func.lower(users.c.email) == login.lower() if "@" in login else users.c.username == login
    return _account(conn.execute(sa.select(users).where(condition, users.c.origin == "local")).first())


def by_username(conn: Connection, username: str) -> Account | None:
    return _account(conn.execute(sa.select(users).where(users.c.username == username)).first())


def username_taken(conn: Connection, username: str) -> bool:
    return (
        conn.execute(sa.select(users.c.id).where(sa.func.lower(users.c.username) == username.lower())).first()
        is not None
    )


def email_taken(conn: Connection, email: str) -> bool:
    return (
        conn.execute(sa.select(users.c.id).where(sa.func.lower(users.c.email) == email.lower())).first()
        is not None
    )


def create(
    conn: Connection,
    username: str,
    email: str,
    password_hash: str,
    fullname: str | None = None,
    is_admin: bool = False,
    verified: bool = False,
) -> int:
    values = {
        "username": username,
        "email": email.lower(),
        "password_hash": password_hash,
        "fullname": fullname,
        "origin": "local",
        "is_admin": is_admin,
        "is_moderator": is_admin,
    }
    if verified:
        values["email_verified_at"] = sa.func.current_timestamp()
    return conn.execute(sa.insert(users).values(**values).returning(users.c.id)).scalar_one()


def set_password_hash(conn: Connection, user_id: int, password_hash: str) -> None:
    conn.execute(sa.update(users).where(users.c.id == user_id).values(password_hash=password_hash))


def mark_verified(conn: Connection, user_id: int) -> None:
    conn.execute(
        sa.update(users)
        .where(users.c.id == user_id, users.c.email_verified_at.is_(None))
        .values(email_verified_at=sa.func.current_timestamp())
    )


def set_roles(
    conn: Connection, user_id: int, *, admin: bool | None = None, moderator: bool | None = None
) -> None:
    values = {}
    if admin is not None:
        values["is_admin"] = admin
    if moderator is not None:
        values["is_moderator"] = moderator
    if values:
        conn.execute(sa.update(users).where(users.c.id == user_id).values(**values))
