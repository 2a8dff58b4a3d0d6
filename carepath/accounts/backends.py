from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


def account_name(identifier: str) -> str:
    """The user name an identifier signs in as: an e-mail address stands for its account's user name."""
    if "@" in identifier:
        username = (
            get_user_model()
            .objects.filter(email__iexact=identifier)
            .values_list(get_user_model().USERNAME_FIELD, flat=True)
            .first()
        )
        if username is not None:
            return str(username)
    return identifier


def login_name(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """What django-axes counts failures under (``AXES_USERNAME_CALLABLE``): "fay" and "FAY@example.org" are one
    account, so signing in by e-mail does not get a second series of tries."""
    identifier = (credentials or {}).get("username")
    if identifier is None and request is not None:
        identifier = request.POST.get("username")
    return account_name(str(identifier or ""))


class LoginAttemptsBackend(AxesStandaloneBackend):
    """django-axes, first in ``AUTHENTICATION_BACKENDS``: refuses to go on when the user name is locked out from
    the client address.

    Every sign-in form passes its request. Authentication without one (the test client's ``login()``, code in a
    shell) has no client to count; it goes on to the next backend.
    """

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        super().authenticate(request, username, password, **kwargs)
        return None


class EmailOrUsernameBackend(ModelBackend):
    """Let people sign in with their email address as well as their user name."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username:
            username = account_name(username)
        return super().authenticate(request, username=username, password=password, **kwargs)
