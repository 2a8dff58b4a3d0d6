"""Each community's services in memory for the engine, built from SQL, current with the community's token.

Every gunicorn worker keeps its own copies: they are caches, so the web tier stays stateless. A request reads
the community's token (``carepath.versions``: one indexed query) and then
- with no copy yet, builds it (the first family a fresh worker serves waits for it);
- with a copy at that token, uses it;
- with an older copy of a small community (under ``BACKGROUND_FROM`` services), rebuilds it at once, so the
  answer is current; with an older copy of a large one, keeps answering from it while a thread builds the new
  one, which takes its place when done: a rebuild never stalls a family's request.
A change in one community makes only that community's copies stale. Once a write commits, the worker that made
it rebuilds the copies it holds of the communities changed (``versions.changed``), without waiting for a
request. The token is read before the services, so a copy is never older than the token it carries.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections

from carepath import versions
from carepath.communities.models import Community
from carepath.communities.queries import published_services
from carepath.directory.columns import service_columns
from carepath.pathways import graph
from carepath.pathways.models import PathwayVersion
from carepath.pathways.queries import graph_of

from .engine import Directory

logger = logging.getLogger(__name__)

KEEP = 1_000  # pathway versions kept per worker (a few kilobytes each)
# A copy of this many services or more is rebuilt in a thread while the older one answers (some tenths of a
# second of work at 5,000); a smaller one is rebuilt in the request, so its answer is current at once.
BACKGROUND_FROM = 5_000


@dataclass(frozen=True)
class Snapshot:
    version: str
    directory: Directory


_lock = threading.Lock()  # guards the dictionaries below
_build_locks: dict[int, threading.Lock] = {}  # one build of a community at a time
_building: set[int] = set()  # communities being rebuilt by a thread
_directories: OrderedDict[int, Snapshot] = OrderedDict()
_pathways: OrderedDict[tuple[int, object], graph.Pathway] = OrderedDict()
_published: OrderedDict[int, tuple[str, tuple[PathwayVersion, graph.Pathway] | None]] = OrderedDict()


def build(community: int) -> Snapshot:
    """The community's published, active services, at the token read first."""
    version = versions.current_for(community)
    return Snapshot(
        version, Directory(service_columns(published_services(community).filter(status="active")))
    )


def _keep(community: int, snapshot: Snapshot) -> None:
    with _lock:
        _directories[community] = snapshot
        _directories.move_to_end(community)
        held = sum(kept.directory.size for kept in _directories.values())
        while len(_directories) > 1 and held > settings.CAREPATH_NAVIGATOR_KEEP_SERVICES:
            held -= _directories.popitem(last=False)[1].directory.size  # the least recently built
    # A large directory is some hundreds of thousands of long-lived objects; leave them out of the cyclic
    # garbage collector's full passes, which otherwise stop a worker for half a second now and then. They hold
    # no cycles, so a replaced snapshot is still freed by reference counting.
    gc.freeze()
    _trim()


def _trim() -> None:
    """Give back to the system the memory a build used for a while (the rows as read, the dictionaries that
    grouped them): glibc keeps it otherwise, and a worker would hold its peak for good."""
    if _libc is not None:
        _libc.malloc_trim(0)


try:
    _libc: ctypes.CDLL | None = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    _libc.malloc_trim  # noqa: B018 - glibc only: elsewhere, nothing to trim
except (OSError, AttributeError):
    _libc = None


def _build_lock(community: int) -> threading.Lock:
    with _lock:
        return _build_locks.setdefault(community, threading.Lock())


def directory(community: Community, version: str | None = None) -> Directory:
    """The community's published, active services, current with the database (or being made so): with the
    community's directory token (read here unless given)."""
    pk = community.pk
    if version is None:
        version = versions.current_for(pk)
    found = _directories.get(pk)
    if found is not None and found.version == version:
        return found.directory
    if found is not None and found.directory.size >= BACKGROUND_FROM:
        refresh(pk)
        return found.directory
    with _build_lock(pk):  # others asking meanwhile wait for this build and use it
        found = _directories.get(pk)
        if found is None or found.version != version:
            found = build(pk)
            _keep(pk, found)
        return found.directory


def refresh(community: int) -> bool:
    """Rebuild the community's copy in a thread, unless one is at it already; whether one was started."""
    with _lock:
        if community in _building:
            return False
        _building.add(community)
    threading.Thread(target=_rebuild, args=(community,), name=f"snapshot-{community}", daemon=True).start()
    return True


def _rebuild(community: int) -> None:
    try:
        with _build_lock(community):
            _keep(community, build(community))
    except Exception:  # the older copy keeps serving; the next request tries again
        logger.exception("Rebuilding the navigator's copy of community %s failed", community)
    finally:
        with _lock:
            _building.discard(community)
        for connection in connections.all(initialized_only=True):
            if not connection.allow_thread_sharing:  # this thread's own (a test server's are shared)
                connection.close()


def building() -> bool:
    with _lock:
        return bool(_building)


def on_changed(sender: Any, communities: list[int], **kwargs: Any) -> None:
    """``versions.changed`` receiver: rebuild at once the large copies this worker holds of those communities
    (small ones are rebuilt by the next request)."""
    for community in communities:
        found = _directories.get(community)
        if found is not None and found.directory.size >= BACKGROUND_FROM:
            refresh(community)


def published(community: Community, token: str | None = None) -> tuple[PathwayVersion, graph.Pathway] | None:
    """The community's published pathway version and its steps, as of the community's pathway token (read
    here unless given): a worker asks the database again only when a version of the pathway was saved."""
    if token is None:
        token = versions.tokens(community.pk)[1]
    held = _published.get(community.pk)
    if held is not None and token and held[0] == token:
        return held[1]
    version = (
        PathwayVersion.objects.published()
        .filter(pathway__community=community)
        .select_related("pathway__community")
        .first()
    )
    found = None
    if version is not None:
        key = (version.pk, version.published_at)
        steps = _pathways.get(key)
        if steps is None:
            steps = graph_of(version)
        found = (version, steps)
    with _lock:
        if found is not None:
            _pathways[(found[0].pk, found[0].published_at)] = found[1]
            while len(_pathways) > KEEP:
                _pathways.popitem(last=False)
        _published[community.pk] = (token, found)
        while len(_published) > KEEP:
            _published.popitem(last=False)
    return found


def clear() -> None:
    with _lock:
        _directories.clear()
        _pathways.clear()
        _published.clear()
