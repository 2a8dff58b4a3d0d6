from __future__ import annotations

import math
from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from carepath import limits

from . import profile as profile_page


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    memberships = request.user.memberships.select_related("community").order_by("community__name_en")
    return render(
        request,
        "accounts/profile.html",
        {"memberships": memberships, "links": profile_page.links_for(request.user)},
    )


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' answer to a locked-out sign-in (``AXES_LOCKOUT_CALLABLE``): 429, the wait, ``Retry-After``."""
    cool_off = get_cool_off(request)
    seconds = max(1, int(cool_off.total_seconds())) if cool_off else 3600
    response = render(
        request, "registration/locked_out.html", {"minutes": math.ceil(seconds / 60)}, status=429
    )
    response["Retry-After"] = str(seconds)
    return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by e-mail, with its e-mails limited per address asked for and per client address.

    Both are counted before anything looks at the accounts, so the answer (the "check your email" page, or the
    429 page once a limit is reached) is the same whether or not an account has the address.
    """

    def form_valid(self, form: Any) -> HttpResponse:
        email = form.cleaned_data["email"].strip().lower()
        for counter in (
            limits.RateLimit("password-reset-client", settings.CAREPATH_PASSWORD_RESET_CLIENT_RATE),
            limits.RateLimit("password-reset-address", settings.CAREPATH_PASSWORD_RESET_RATE, ident=email),
        ):
            if not counter.allow_request(self.request, None):
                return limits.too_many(self.request, counter.retry_after())
        return super().form_valid(form)
