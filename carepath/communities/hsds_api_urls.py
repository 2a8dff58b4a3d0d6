from django.urls import path

from .hsds_api import views as api

urlpatterns = [
    path("", api.RootView.as_view(), name="hsds-root"),
    path("services", api.ServiceListView.as_view(), name="hsds-services"),
    path("services/<str:id>", api.ServiceDetailView.as_view(), name="hsds-service"),
    path("organizations", api.OrganizationListView.as_view(), name="hsds-organizations"),
    path("organizations/<str:id>", api.OrganizationDetailView.as_view(), name="hsds-organization"),
    path("service_at_locations", api.ServiceAtLocationListView.as_view(), name="hsds-service-at-locations"),
    path(
        "service_at_locations/<str:id>",
        api.ServiceAtLocationDetailView.as_view(),
        name="hsds-service-at-location",
    ),
    path("taxonomies", api.TaxonomyListView.as_view(), name="hsds-taxonomies"),
    path("taxonomies/<str:id>", api.TaxonomyDetailView.as_view(), name="hsds-taxonomy"),
    path("taxonomy_terms", api.TaxonomyTermListView.as_view(), name="hsds-taxonomy-terms"),
    path("taxonomy_terms/<str:id>", api.TaxonomyTermDetailView.as_view(), name="hsds-taxonomy-term"),
]
