from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views
from .communities.views import home
from .pathways.views.reviews import review_public

urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(  # the page and its script apart, so the Content-Security-Policy needs no inline script
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    path("api/hsds/", include("carepath.communities.hsds_api_urls")),
    path("api/v1/", include("carepath.pathways.api_urls")),
    path("api/v1/", include("carepath.navigator.api_urls")),
    path("api/v1/", include("carepath.practices.api_urls")),
    path("healthz", views.healthz, name="healthz"),
    path(".well-known/security.txt", views.security_txt, name="security-txt"),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain")),
]
urlpatterns += i18n_patterns(
    path("", home, name="home"),
    path("accounts/", include("carepath.accounts.urls")),
    path("communities/", include("carepath.communities.urls")),
    path("communities/", include("carepath.pathways.urls")),
    path("review/<str:token>/", review_public, name="review-public"),
    path("", include("carepath.navigator.urls")),
    path("practices/", include("carepath.practices.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)
handler404 = "carepath.views.not_found"
handler500 = "carepath.views.server_error"
