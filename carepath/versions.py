"""Data versions: tokens that change with every write to the directory, read by in-memory copies.

Each community's directory (the services its inventory publishes, with what the navigator knows of them) has
its own token, ``directory:<community id>``, so a change in one community makes only that community's copies
stale. One more token, ``directory``, covers writes that cannot be pinned to communities; every copy carries it
too. Tokens are random, not counters, so a rolled-back write can never make an old copy look current.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

from .models import DataVersion

DIRECTORY = "directory"
PATHWAY = "pathway"  # pathway:<community id>: which version of its pathway is published

# Sent once a transaction that bumped communities' tokens has committed, with ``communities`` (a list of ids):
# the navigator rebuilds its copies of them then, rather than on the next family's request.
changed = Signal()


def community_key(community: int) -> str:
    return f"{DIRECTORY}:{community}"


def bump(name: str = DIRECTORY) -> str:
    """Give ``name`` a new token, inside the caller's transaction (so a rollback takes it back too)."""
    token = uuid.uuid4().hex
    DataVersion.objects.update_or_create(name=name, defaults={"token": token})
    return token


def bump_communities(communities: Iterable[int]) -> None:
    """New tokens for these communities' directories, inside the caller's transaction, in one statement (in
    id order, so two writers never wait on each other's rows in opposite orders)."""
    ids = sorted(set(communities))
    if not ids:
        return
    DataVersion.objects.bulk_create(
        [DataVersion(name=community_key(pk), token=uuid.uuid4().hex) for pk in ids],
        update_conflicts=True,
        unique_fields=["name"],
        update_fields=["token"],
    )
    transaction.on_commit(lambda: changed.send(sender=DataVersion, communities=ids))


def current(name: str = DIRECTORY) -> str:
    return DataVersion.objects.filter(name=name).values_list("token", flat=True).first() or ""


def directory_state() -> str:
    """A digest of every directory token (the shared one and each community's): it changes with any write to
    any community's directory. One small query: a row per community, no row every writer would queue on."""
    tokens = (
        DataVersion.objects.filter(name__startswith=DIRECTORY).order_by("name").values_list("name", "token")
    )
    return hashlib.sha256(repr(list(tokens)).encode()).hexdigest()


def pathway_key(community: int) -> str:
    return f"{PATHWAY}:{community}"


def tokens(community: int) -> tuple[str, str]:
    """The community's tokens, in one query: its directory's (its own and the shared one) and its pathway's
    ("" until a version of its pathway is first saved)."""
    keys = (DIRECTORY, community_key(community), pathway_key(community))
    found = dict(DataVersion.objects.filter(name__in=keys).values_list("name", "token"))
    return directory_token(found.get(keys[0]), found.get(keys[1])), found.get(keys[2]) or ""


def directory_token(shared: str | None, own: str | None) -> str:
    """The token a copy of a community's directory is current at, from the shared token and the community's."""
    return f"{shared or ''}.{own or ''}"


def joined(table: str, id_column: str) -> tuple[str, str, list[str]]:
    """Read a community's tokens in the query that reads the community: the columns (the shared directory token,
    the community's, its pathway's) and the joins to add to a query on ``table`` whose ids are ``id_column``,
    with their parameters. ``directory_token`` makes the first two one."""
    versions = DataVersion._meta.db_table
    own = f"%s || CAST({table}.{id_column} AS TEXT)"
    return (
        "shared_version.token, own_version.token, pathway_version.token",
        f"LEFT JOIN {versions} shared_version ON shared_version.name = %s "
        f"LEFT JOIN {versions} own_version ON own_version.name = {own} "
        f"LEFT JOIN {versions} pathway_version ON pathway_version.name = {own}",
        [DIRECTORY, f"{DIRECTORY}:", f"{PATHWAY}:"],
    )


def current_for(community: int) -> str:
    """The token a copy of the community's directory is current at."""
    return tokens(community)[0]
