"""Limits that count for real (issue 10, item 7): sign-in lockout (django-axes) counting user names and e-mail
addresses as one account, and password reset e-mails limited without telling which addresses have accounts."""

from __future__ import annotations

import datetime
import time

import pytest
from axes.models import AccessAttempt
from django.core import mail

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/en/accounts/login/"
RESET = "/en/accounts/password-reset/"


def sign_in(client, identifier: str, password: str, path: str = LOGIN, **headers):
    return client.post(path, {"username": identifier, "password": password}, headers=headers)


def test_limits_count_for_real_sign_in_locks_out_after_five_failures(client, facilitator):
    codes = [sign_in(client, "fay", "wrong").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    locked = sign_in(client, "fay", PASSWORD)  # the right password does not get through the lockout
    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"
    assert "You can try again in 15 minutes." in locked.content.decode()
    assert "_auth_user_id" not in client.session
    french = sign_in(client, "fay", PASSWORD, path="/fr/accounts/login/")
    assert "<h1>Connexion suspendue</h1>" in french.content.decode()
    assert "Vous pourrez réessayer dans 15\xa0minutes." in french.content.decode()


def test_limits_count_for_real_user_name_and_email_count_as_one_account(client, facilitator):
    for identifier in ("fay", "fay@example.org", "FAY@example.org", "fay", "Fay@Example.org"):
        sign_in(client, identifier, "wrong")
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [("fay", 5)]
    assert sign_in(client, "fay@example.org", PASSWORD).status_code == 429


def test_limits_count_for_real_the_lockout_is_per_client_address(client, facilitator, settings):
    for _ in range(5):
        sign_in(client, "fay", "wrong")
    assert sign_in(client, "fay", PASSWORD, x_forwarded_for="198.51.100.9").status_code == 429  # not trusted
    settings.CAREPATH_TRUSTED_PROXIES = "127.0.0.1"
    elsewhere = sign_in(client, "fay", PASSWORD, x_forwarded_for="198.51.100.9")
    assert elsewhere.status_code == 302


def test_limits_count_for_real_a_success_starts_the_count_again(client, facilitator):
    for _ in range(4):
        sign_in(client, "fay", "wrong")
    assert sign_in(client, "fay", PASSWORD).status_code == 302
    client.post("/en/accounts/logout/")
    assert [sign_in(client, "fay", "wrong").status_code for _ in range(4)] == [200, 200, 200, 200]


def test_limits_count_for_real_the_lockout_ends_after_the_cool_off(client, facilitator, settings):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(seconds=1)
    for _ in range(5):
        sign_in(client, "fay", "wrong")
    assert sign_in(client, "fay", PASSWORD).status_code == 429
    time.sleep(1.1)
    assert sign_in(client, "fay", PASSWORD).status_code == 302


def test_limits_count_for_real_the_admin_sign_in_is_counted_too(client, admin_user):
    codes = [sign_in(client, "siteadmin", "wrong", path="/en/admin/login/").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    assert sign_in(client, "siteadmin", PASSWORD, path="/en/admin/login/").status_code == 429


def reset(client, email: str, **headers):
    return client.post(RESET, {"email": email}, headers=headers)


def test_limits_count_for_real_reset_emails_are_limited_per_address(client, facilitator):
    known = [reset(client, "fay@example.org", x_forwarded_for=f"192.0.2.{n}") for n in range(4)]
    assert [r.status_code for r in known] == [302, 302, 302, 429]
    assert len(mail.outbox) == 3
    assert known[3]["Retry-After"] == "1200"  # an hour / 3 after the first
    assert reset(client, "FAY@EXAMPLE.ORG").status_code == 429  # the same address, whatever its case
    assert len(mail.outbox) == 3


def test_limits_count_for_real_reset_answers_the_same_whether_or_not_the_address_has_an_account(
    client, facilitator
):
    def answers(email: str) -> list[tuple[int, str, str]]:
        out = []
        for _ in range(4):
            response = reset(client, email)
            out.append((response.status_code, response.get("Location", ""), response.get("Retry-After", "")))
        return out

    known = answers("fay@example.org")
    unknown = answers("nobody@example.org")
    assert (
        known
        == unknown
        == [
            (302, "/en/accounts/password-reset/sent/", ""),
            (302, "/en/accounts/password-reset/sent/", ""),
            (302, "/en/accounts/password-reset/sent/", ""),
            (429, "", "1200"),
        ]
    )
    assert [message.to for message in mail.outbox] == [["fay@example.org"]] * 3


def test_limits_count_for_real_reset_emails_are_limited_per_client_address(client, facilitator):
    codes = [reset(client, f"someone{n}@example.org").status_code for n in range(10)]
    assert codes == [302] * 10
    refused = reset(client, "fay@example.org", x_forwarded_for="203.0.113.50")
    assert refused.status_code == 429
    assert mail.outbox == []
    french = client.post("/fr/accounts/password-reset/", {"email": "fay@example.org"})
    assert "<h1>Trop de demandes</h1>" in french.content.decode()


def test_limits_count_for_real_sign_in_attempts_are_limited_per_client_across_accounts(
    client, facilitator, settings
):
    """Trying a few passwords against many accounts from one address is paused too."""
    settings.CAREPATH_LOGIN_CLIENT_RATE = "3/hour"
    codes = [sign_in(client, f"someone{n}", "wrong").status_code for n in range(3)]
    assert codes == [200, 200, 200]
    refused = sign_in(client, "fay", PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    admin = client.post("/en/admin/login/", {"username": "fay", "password": PASSWORD})
    assert admin.status_code == 429
