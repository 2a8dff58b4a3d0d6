"""Pages of the practice registry, by who uses them: the public registry, the workflow around a practice
(submitters, reviewers, editors) and alignment surveys."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def allowed(request: HttpRequest, perm: str, obj: Any = None) -> None:
    """Check a permission (403 when it fails); the views that need a signed-in person say so with `signed_in`."""
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def signed_in(view: Any) -> Any:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper
