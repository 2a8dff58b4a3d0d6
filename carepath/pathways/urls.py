from django.urls import path

from . import views

app_name = "pathways"
urlpatterns = [
    path("<slug:slug>/pathway/", views.pathway_detail, name="detail"),
    path("<slug:slug>/pathway/print/", views.pathway_print, name="print"),
    path("<slug:slug>/pathway/gaps/", views.gap_report, name="gaps"),
    path("<slug:slug>/pathway/drafts/", views.start_draft, name="start-draft"),
    path("<slug:slug>/pathway/versions/<int:number>/", views.pathway_detail, name="version"),
    path("<slug:slug>/pathway/versions/<int:number>/print/", views.pathway_print, name="version-print"),
    path("<slug:slug>/pathway/versions/<int:number>/gaps/", views.gap_report, name="version-gaps"),
    path("<slug:slug>/pathway/versions/<int:number>/publish/", views.publish, name="publish"),
]
