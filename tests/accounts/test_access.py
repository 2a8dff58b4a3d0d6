"""The one way permissions are checked: ``permission_required`` on pages, ``HasPermission`` on the API, each
tried with a facilitator (may), a member and an outsider (may not) and a visitor (must sign in)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from carepath.accounts.access import HasPermission, permission_required
from carepath.communities.queries import community_at

pytestmark = pytest.mark.django_db


@permission_required("communities.change_community", community_at)
def settings_page(request, community, tab="main"):
    return HttpResponse(f"{community.slug}:{tab}")


@permission_required("communities.add_community")
def new_community(request, tab="main"):
    return HttpResponse(tab)


def _get(user, view, **kwargs):
    request = RequestFactory().get("/en/somewhere/?x=1")
    request.user = user
    return view(request, **kwargs)


def test_the_view_gets_the_loaded_object_in_place_of_the_url_arguments(facilitator, community):
    response = _get(facilitator, settings_page, slug="lakeside", tab="places")
    assert response.content == b"lakeside:places"


def test_members_and_outsiders_are_refused_with_403(member, outsider, community):
    for user in (member, outsider):
        with pytest.raises(PermissionDenied):
            _get(user, settings_page, slug="lakeside")


def test_visitors_are_sent_to_sign_in_and_come_back(community):
    response = _get(AnonymousUser(), settings_page, slug="lakeside")
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/?next=/en/somewhere/%3Fx%3D1"


def test_an_unknown_object_is_404_for_everyone(facilitator, community):
    for user in (facilitator, AnonymousUser()):
        with pytest.raises(Http404):
            _get(user, settings_page, slug="nowhere")


def test_without_a_loader_the_permission_is_the_persons_own(admin_user, facilitator):
    assert _get(admin_user, new_community, tab="x").content == b"x"
    with pytest.raises(PermissionDenied):
        _get(facilitator, new_community)


class Drafts(APIView):
    permission_classes = [AllowAny, HasPermission]
    permissions_required = {"POST": "pathways.change_pathway"}
    permission_denied_message = "You may not change this community's pathway."

    def get_permission_object(self):
        return community_at(self.kwargs["slug"])

    def get(self, request, slug):
        return Response({"read": slug})

    def post(self, request, slug):
        return Response({"made": slug}, status=201)


def _api(method, user, slug="lakeside"):
    request = getattr(APIRequestFactory(), method)("/api/v1/x", {}, format="json")
    force_authenticate(request, user=user)
    return Drafts.as_view()(request, slug=slug)


def test_the_api_checks_only_the_methods_it_names(facilitator, member, outsider, community):
    assert _api("get", outsider).status_code == 200
    assert _api("post", facilitator).status_code == 201
    for user in (member, outsider, AnonymousUser()):
        response = _api("post", user)
        assert response.status_code == 403
        assert response.data == {"errors": {"detail": ["You may not change this community's pathway."]}}
