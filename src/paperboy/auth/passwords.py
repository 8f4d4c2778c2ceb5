"""argon2id password hashing with OWASP's parameters; hashes are upgraded on login when parameters change."""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
HASHER = PasswordHasher(
    time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, salt_len=16, type=Type.ID
)
MIN_LENGTH = 10
MAX_LENGTH = 1024
# Verifying against this when the account does not exist makes unknown and known accounts cost the same time.
_DUMMY_HASH = HASHER.hash("paperboy-dummy-password")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def password_problem(password: str) -> str | None:
    """A human sentence saying why a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if len(set(password)) < 4:
        return "Use a less repetitive password."
    return None


def verify_password(stored_hash: str | None, password: str) -> tuple[bool, str | None]:
    """(matches, new hash to store when the parameters changed). Unknown accounts pass ``None``."""
    if len(password) > MAX_LENGTH:
        return False, None
    try:
        HASHER.verify(stored_hash or _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False, None
    if stored_hash is None:
        return False, None
    return True, HASHER.hash(password) if HASHER.check_needs_rehash(stored_hash) else None
