from django.urls import path

from . import views

app_name = "communities"
urlpatterns = [
    path("", views.community_list, name="list"),
    path("<slug:slug>/", views.community_detail, name="detail"),
    path("<slug:slug>/services/add/", views.service_add, name="service-add"),
    path("<slug:slug>/services/from-elsewhere/", views.list_from_elsewhere, name="list-elsewhere"),
    path("<slug:slug>/services/<uuid:service_id>/", views.service_detail, name="service"),
    path("<slug:slug>/services/<uuid:service_id>/edit/", views.service_edit, name="service-edit"),
    path("<slug:slug>/services/<uuid:service_id>/remove/", views.service_remove, name="service-remove"),
    path("<slug:slug>/import/", views.import_upload, name="import"),
    path("<slug:slug>/settings/", views.community_settings, name="settings"),
    path("<slug:slug>/export.json", views.export, {"fmt": "json"}, name="export-json"),
    path("<slug:slug>/export.zip", views.export, {"fmt": "zip"}, name="export-zip"),
]
