"""Signing in and out, password reset by e-mail, roles and permission predicates."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.urls import reverse

from carepath.accounts.services import set_membership
from carepath.communities.services import get_or_create_community
from tests.conftest import PASSWORD
from tests.factories import service
from tests.query_counts import assert_queries_do_not_grow, page

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("identifier", ["fay", "fay@example.org", "FAY@example.org"])
def test_sign_in_with_user_name_or_email(client, facilitator, identifier):
    response = client.post("/en/accounts/login/", {"username": identifier, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/en/accounts/profile/").context["user"] == facilitator


def test_wrong_password_is_refused_with_a_message(client, facilitator):
    response = client.post("/fr/accounts/login/", {"username": "fay", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_sign_out_needs_a_post(client, facilitator):
    client.force_login(facilitator)
    assert client.get("/en/accounts/logout/").status_code == 405
    assert client.post("/en/accounts/logout/").status_code == 302
    assert client.get("/en/accounts/profile/").status_code == 302


def test_password_reset_by_email(client, facilitator):
    response = client.post("/en/accounts/password-reset/", {"email": "fay@example.org"})
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["fay@example.org"]
    link = re.search(r"http://testserver(/en/accounts/reset/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "another-long-pass-77", "new_password2": "another-long-pass-77"},
    )
    assert response.status_code == 302
    assert client.login(username="fay", password="another-long-pass-77")


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, db):
    response = client.post("/en/accounts/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_profile_lists_memberships(client, facilitator):
    client.force_login(facilitator)
    response = client.get("/en/accounts/profile/")
    assert [m.community.slug for m in response.context["memberships"]] == ["lakeside"]


def test_the_profile_links_to_what_the_person_may_see_elsewhere(client, facilitator, admin_user):
    reports = '<a href="/en/communities/_site/reports/">Problems reported with listings the site keeps</a>'
    client.force_login(facilitator)
    assert reports not in client.get("/en/accounts/profile/").content.decode()
    client.force_login(admin_user)
    assert reports in client.get("/en/accounts/profile/").content.decode()
    french = client.get("/fr/accounts/profile/").content.decode()
    assert "Problèmes signalés dans les fiches que le site tient à jour</a>" in french


def test_the_profile_takes_the_same_queries_for_one_community_or_three(client, facilitator):
    def add(n: int) -> None:
        if n > 1:  # the first is the facilitator's own table
            table = get_or_create_community(slug=f"table-{n}", name=f"Table {n}")
            set_membership(user=facilitator, community=table, role="member")

    client.force_login(facilitator)
    assert_queries_do_not_grow(
        add=add,
        fetch=page(client, "/en/accounts/profile/"),
        shown=lambda html: html.split("My communities</h2>")[1].split("</ul>")[0].count("<li>"),
    )


def test_permission_predicates(community, admin_user, facilitator, member, outsider):
    table = {
        "admin": (admin_user, True, True),
        "facilitator": (facilitator, True, True),
        "member": (member, False, True),
        "outsider": (outsider, False, False),
        "visitor": (AnonymousUser(), False, False),
    }
    for name, (user, change, unpublished) in table.items():
        assert user.has_perm("communities.change_inventory", community) is change, name
        assert user.has_perm("communities.view_unpublished", community) is unpublished, name


def test_inactive_facilitator_loses_rights(community, facilitator):
    facilitator.is_active = False
    facilitator.save()
    assert facilitator.has_perm("communities.change_inventory", community) is False


def test_admin_pages_work_for_every_model(client, admin_user, import_file):
    import_file(service("a"))
    client.force_login(admin_user)
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        changelist = client.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert changelist.status_code == 200, info
        if admin.site._registry[model].has_add_permission(changelist.wsgi_request):
            assert client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200, info
