"""Tables of who may open every page of an app (``tests/*/test_who_may.py``): each row a URL, each column a
person, each cell what they get."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import get_resolver, reverse

IN, LOGIN, NO, HIDDEN = "in", "login", "403", "404"  # may use it / sent to sign in / refused / not shown


def url_names(namespace: str) -> set[str]:
    """The names of every URL an app's URLconf serves."""
    names = set()
    for item in get_resolver().url_patterns:
        for inner in getattr(item, "url_patterns", []):
            if getattr(inner, "namespace", None) == namespace:
                names |= {f"{namespace}:{p.name}" for p in inner.url_patterns if p.name}
    return names


def outcome(response: Any) -> str:
    if response.status_code == 302 and response["Location"].startswith("/en/accounts/login/"):
        return LOGIN
    if response.status_code in (403, 404):
        return str(response.status_code)
    return IN


def differences(pages: list[tuple[Any, ...]], people: dict[str, Any], made: dict[str, Any]) -> dict[str, Any]:
    """Every row of ``pages`` (name, URL arguments with ``{placeholders}`` from ``made``, method, then one
    outcome per person, in the order of ``people``) where someone got something else, with what each got."""
    clients = {}
    for who, user in people.items():
        clients[who] = Client()
        if user is not None:
            clients[who].force_login(user)
    wrong = {}
    for name, kwargs, method, *outcomes in pages:
        url = reverse(name, kwargs={key: str(value).format(**made) for key, value in kwargs.items()})
        if name == "pathways:compare":
            url += f"?from=1&to={made['draft']}"
        expected = dict(zip(people, outcomes, strict=True))
        got = {who: outcome(getattr(clients[who], method)(url)) for who in people}
        if got != expected:
            wrong[f"{name} {url}"] = got
    return wrong
