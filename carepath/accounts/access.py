"""How every view and API endpoint checks a permission: one decorator for pages, one DRF permission class.

The rules themselves are declared once per app, in its ``rules.py`` (django-rules, autodiscovered), on the
predicates of ``carepath.accounts.rules``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

View = TypeVar("View", bound=Callable[..., HttpResponse])


def require(request: HttpRequest, perm: str, obj: Any = None) -> None:
    """Refuse (403) unless the person may ``perm`` (on ``obj``): for an object a view finds only from what was
    posted. Such views are behind ``login_required``, so the person is signed in."""
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def permission_required(perm: str, load: Callable[..., Any] | None = None) -> Callable[[View], View]:
    """Check ``perm`` before the view runs: visitors are sent to sign in, signed-in people without it get 403.

    With ``load``, the permission is checked on the object it returns (or it raises Http404). ``load`` takes some
    of the URL's arguments, by name (``def community_at(slug)``); the view gets the object in their place, right
    after the request.
    """
    taken = tuple(inspect.signature(load).parameters) if load is not None else ()

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            obj = load(**{name: kwargs.pop(name) for name in taken}) if load is not None else None
            if not request.user.has_perm(perm, obj):
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                raise PermissionDenied
            return view(request, obj, *args, **kwargs) if load is not None else view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


class HasPermission(BasePermission):
    """The API's side of ``permission_required``. The view says what each method needs in
    ``permissions_required`` (e.g. ``{"POST": "pathways.change_pathway"}``; a method not named needs nothing),
    and on what object with ``get_permission_object()``; ``permission_denied_message`` is the 403's detail,
    for visitors too. List it after ``AllowAny``, so that the schema keeps saying what anyone may call."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        perm = getattr(view, "permissions_required", {}).get(request.method)
        if perm is None:
            return True
        get_object = getattr(view, "get_permission_object", None)
        obj = get_object() if get_object is not None else None
        if not request.user.has_perm(perm, obj):
            # Raised, not returned: DRF would answer a visitor "credentials were not provided" instead.
            raise exceptions.PermissionDenied(getattr(view, "permission_denied_message", None))
        return True
