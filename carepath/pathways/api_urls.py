from django.urls import path

from . import api

urlpatterns = [
    path("communities/<slug:slug>/pathway", api.PublishedPathwayView.as_view(), name="api-pathway"),
    path(
        "communities/<slug:slug>/pathway/versions", api.VersionListView.as_view(), name="api-pathway-versions"
    ),
    path(
        "communities/<slug:slug>/pathway/versions/<int:number>",
        api.VersionView.as_view(),
        name="api-pathway-version",
    ),
    path(
        "communities/<slug:slug>/pathway/versions/<int:number>/checks",
        api.ChecksView.as_view(),
        name="api-pathway-checks",
    ),
    path(
        "communities/<slug:slug>/pathway/versions/<int:number>/fhir",
        api.FhirView.as_view(),
        name="api-pathway-fhir",
    ),
]
