"""A table manages itself: its facilitators add and remove people and say who may edit the pathway."""

from __future__ import annotations

import pytest

from carepath.accounts.models import Membership, User
from carepath.models import AuditEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PAGE = "/en/communities/lakeside/members/"


@pytest.fixture
def signed_in(client, facilitator):
    client.login(username=facilitator.username, password=PASSWORD)
    return client


def add(client, account, role="member", can_edit=False):
    data = {"add-account": account, "add-role": role}
    if can_edit:
        data["add-can_edit_pathway"] = "on"
    return client.post(PAGE, data)


def test_a_facilitator_adds_a_person_by_user_name_or_e_mail(signed_in, community):
    User.objects.create_user(username="nadia", email="Nadia@Example.org", password=PASSWORD)
    User.objects.create_user(username="omar", email="omar@example.org", password=PASSWORD)
    assert add(signed_in, "NADIA", can_edit=True).status_code == 302
    assert add(signed_in, " omar@EXAMPLE.org ").status_code == 302
    found = {
        m.user.username: (m.role, m.can_edit_pathway) for m in Membership.objects.filter(community=community)
    }
    assert found == {"fay": ("facilitator", False), "nadia": ("member", True), "omar": ("member", False)}
    page = signed_in.get(PAGE).content.decode()
    assert "omar@example.org" in page and "3 people at the table" in page
    assert AuditEntry.objects.filter(action="accounts.add_member").count() == 2


def test_an_unknown_or_repeated_account_is_refused_with_what_to_do(signed_in, member):
    refused = add(signed_in, "nobody@example.org")
    assert refused.status_code == 400
    assert "No account has the user name or e-mail address “nobody@example.org”" in refused.content.decode()
    again = add(signed_in, member.username)
    assert again.status_code == 400
    assert "mo is already at this table" in again.content.decode()


def test_roles_and_the_right_to_edit_the_pathway_change_and_take_effect(client, signed_in, community, member):
    membership = Membership.objects.get(user=member)
    assert not User.objects.get(pk=member.pk).has_perm("pathways.change_pathway", community)
    response = signed_in.post(
        f"{PAGE}{membership.pk}/",
        {f"m{membership.pk}-role": "member", f"m{membership.pk}-can_edit_pathway": "on"},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.can_edit_pathway is True
    assert User.objects.get(pk=member.pk).has_perm("pathways.change_pathway", community)
    client.logout()
    client.login(username=member.username, password=PASSWORD)
    assert client.get(PAGE).status_code == 403  # editing the pathway is not running the table


def test_the_last_facilitator_stays_one(signed_in, community, facilitator, member):
    mine = Membership.objects.get(user=facilitator)
    demoted = signed_in.post(f"{PAGE}{mine.pk}/", {f"m{mine.pk}-role": "member"}, follow=True)
    assert "A table keeps at least one facilitator" in demoted.content.decode()
    signed_in.post(f"{PAGE}{mine.pk}/remove/")
    assert Membership.objects.get(pk=mine.pk).role == "facilitator"
    # With a second facilitator, the first may step down, then leave.
    theirs = Membership.objects.get(user=member)
    signed_in.post(f"{PAGE}{theirs.pk}/", {f"m{theirs.pk}-role": "facilitator"})
    signed_in.post(f"{PAGE}{mine.pk}/", {f"m{mine.pk}-role": "member"})
    assert Membership.objects.get(pk=mine.pk).role == "member"


def test_removing_takes_the_person_off_the_table_and_keeps_their_account(signed_in, member):
    membership = Membership.objects.get(user=member)
    response = signed_in.post(f"{PAGE}{membership.pk}/remove/", follow=True)
    assert "mo left the table; their account stays." in response.content.decode()
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert User.objects.filter(pk=member.pk).exists()
    again = signed_in.post(f"{PAGE}{membership.pk}/remove/", follow=True)  # removed meanwhile: said, no 500
    assert "This person is no longer at the table" in again.content.decode()


def test_a_facilitator_of_another_table_cannot_manage_this_one(
    client, signed_in, outsider, member, other_community
):
    membership = Membership.objects.get(user=member)
    theirs = Membership.objects.get(user=outsider, community=other_community)
    # Another table's membership, through this table's address: not found there, nothing changes.
    refused = signed_in.post(f"{PAGE}{theirs.pk}/remove/", follow=True)
    assert "This person is no longer at the table" in refused.content.decode()
    assert Membership.objects.filter(pk=theirs.pk).exists()
    client.logout()
    client.login(username=outsider.username, password=PASSWORD)
    assert client.post(f"{PAGE}{membership.pk}/remove/").status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_the_page_in_french(signed_in):
    page = signed_in.get("/fr/communities/lakeside/members/").content.decode()
    assert "Membres de la table" in page
    assert "Ajouter une personne" in page
