"""Each community's services in memory for the engine, rebuilt when the directory's data version changes.

Every gunicorn worker keeps its own copies. A request reads the directory's data version (one indexed row)
and rebuilds the community's copy when the version differs from the one it was built at. The version is read
before the services, so a copy is never older than the version it carries.
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from dataclasses import dataclass

from carepath import versions
from carepath.communities.models import Community
from carepath.communities.queries import published_services
from carepath.directory.queries import service_facts
from carepath.pathways import graph
from carepath.pathways.models import PathwayVersion
from carepath.pathways.queries import graph_of

from .engine import Directory

KEEP = 64  # communities and pathway versions kept per worker


@dataclass(frozen=True)
class Snapshot:
    community: int
    version: str
    directory: Directory


_lock = threading.Lock()
_directories: OrderedDict[int, Snapshot] = OrderedDict()
_pathways: OrderedDict[tuple[int, object], graph.Pathway] = OrderedDict()


def build(community: Community) -> Directory:
    return Directory(service_facts(published_services(community).filter(status="active")))


def directory(community: Community) -> Directory:
    """The community's published, active services, current with the database."""
    version = versions.current()
    found = _directories.get(community.pk)
    if found is not None and found.version == version:
        return found.directory
    with _lock:  # one build at a time per worker; others wait and then use it
        found = _directories.get(community.pk)
        if found is None or found.version != version:
            found = Snapshot(community.pk, version, build(community))
            _directories[community.pk] = found
            while len(_directories) > KEEP:
                _directories.popitem(last=False)
            # A large directory is about a million long-lived objects; leave them out of the cyclic garbage
            # collector's full passes, which otherwise stop a worker for half a second now and then. They
            # hold no cycles, so a replaced snapshot is still freed by reference counting.
            gc.freeze()
        return found.directory


def published(community: Community) -> tuple[PathwayVersion, graph.Pathway] | None:
    """The community's published pathway version and its steps (cached: a published version never changes)."""
    version = (
        PathwayVersion.objects.published()
        .filter(pathway__community=community)
        .select_related("pathway__community")
        .first()
    )
    if version is None:
        return None
    key = (version.pk, version.published_at)
    cached = _pathways.get(key)
    if cached is None:
        cached = graph_of(version)
        with _lock:
            _pathways[key] = cached
            while len(_pathways) > KEEP:
                _pathways.popitem(last=False)
    return version, cached


def clear() -> None:
    with _lock:
        _directories.clear()
        _pathways.clear()
