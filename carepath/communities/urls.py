from django.urls import path

from . import members, reports, transfers, views

app_name = "communities"
urlpatterns = [
    path("", views.community_list, name="list"),
    # "_site" is no community's short name (they are lowercase letters, digits and single hyphens).
    path("_site/reports/", reports.site_reports, name="site-reports"),
    path("_site/reports/<int:report_id>/resolve/", reports.site_resolve, name="site-report-resolve"),
    path("<slug:slug>/", views.community_detail, name="detail"),
    path("<slug:slug>/services/add/", views.service_add, name="service-add"),
    path("<slug:slug>/services/from-elsewhere/", views.list_from_elsewhere, name="list-elsewhere"),
    path("<slug:slug>/services/<uuid:service_id>/", views.service_detail, name="service"),
    path("<slug:slug>/services/<uuid:service_id>/edit/", views.service_edit, name="service-edit"),
    path("<slug:slug>/services/<uuid:service_id>/remove/", views.service_remove, name="service-remove"),
    path("<slug:slug>/services/<uuid:service_id>/report/", reports.report, name="report"),
    path(
        "<slug:slug>/services/<uuid:service_id>/report/thanks/", reports.report_thanks, name="report-thanks"
    ),
    path("<slug:slug>/reports/", reports.reports, name="reports"),
    path("<slug:slug>/reports/<int:report_id>/resolve/", reports.resolve, name="report-resolve"),
    path("<slug:slug>/import/", transfers.import_upload, name="import"),
    path("<slug:slug>/import/<uuid:job_id>/", transfers.import_job, name="import-job"),
    path("<slug:slug>/settings/", views.community_settings, name="settings"),
    path("<slug:slug>/members/", members.members, name="members"),
    path("<slug:slug>/members/<int:membership_id>/", members.member_change, name="member-change"),
    path("<slug:slug>/members/<int:membership_id>/remove/", members.member_remove, name="member-remove"),
    path("<slug:slug>/export.json", transfers.export, {"fmt": "json"}, name="export-json"),
    path("<slug:slug>/export.zip", transfers.export, {"fmt": "zip"}, name="export-zip"),
]
