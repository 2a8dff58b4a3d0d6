"""Private links (saved plans, review invitations): random tokens that the database keeps only as a hash.

A token is in the link and nowhere else; the database holds its SHA-256, so a copy of the database (a backup, a
leaked dump) cannot be turned back into working links. SHA-256 without salt is enough: the tokens are random
(at least 192 bits), not passwords that could be guessed from a list.
"""

from __future__ import annotations

import hashlib
import secrets


def new_token(nbytes: int = 32) -> str:
    """A link token with ``nbytes`` random bytes (URL-safe base64)."""
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    """What the database keeps of a token: its SHA-256, in hexadecimal (64 characters)."""
    return hashlib.sha256(token.encode()).hexdigest()
