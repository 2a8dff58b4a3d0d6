from django.urls import path

from .views import editor, feedback, publishing, reviews, versions

app_name = "pathways"
urlpatterns = [
    path("<slug:slug>/pathway/", versions.pathway_detail, name="detail"),
    path("<slug:slug>/pathway/print/", versions.pathway_print, name="print"),
    path("<slug:slug>/pathway/gaps/", versions.gap_report, name="gaps"),
    path("<slug:slug>/pathway/feedback/", feedback.feedback, name="feedback"),
    path("<slug:slug>/pathway/feedback/thanks/", feedback.feedback_thanks, name="feedback-thanks"),
    path("<slug:slug>/pathway/feedback/received/", feedback.feedback_list, name="feedback-list"),
    path(
        "<slug:slug>/pathway/feedback/received/<int:feedback_id>/close/",
        feedback.feedback_close,
        name="feedback-close",
    ),
    path("<slug:slug>/pathway/drafts/", versions.start_draft, name="start-draft"),
    path("<slug:slug>/pathway/versions/<int:number>/", versions.pathway_detail, name="version"),
    path("<slug:slug>/pathway/versions/<int:number>/print/", versions.pathway_print, name="version-print"),
    path("<slug:slug>/pathway/versions/<int:number>/gaps/", versions.gap_report, name="version-gaps"),
    path("<slug:slug>/pathway/versions/<int:number>/publish/", publishing.publish, name="publish"),
    path(
        "<slug:slug>/pathway/versions/<int:number>/download/json/",
        versions.download,
        {"fmt": "json"},
        name="download-json",
    ),
    path(
        "<slug:slug>/pathway/versions/<int:number>/download/fhir/",
        versions.download,
        {"fmt": "fhir"},
        name="download-fhir",
    ),
    path("<slug:slug>/pathway/compare/", versions.compare, name="compare"),
    path("<slug:slug>/pathway/versions/<int:number>/review/", reviews.review, name="review"),
    path("<slug:slug>/pathway/versions/<int:number>/review/open/", reviews.open_review, name="review-open"),
    path(
        "<slug:slug>/pathway/versions/<int:number>/review/invitations/<int:pk>/new-link/",
        reviews.new_link,
        name="review-new-link",
    ),
    path("<slug:slug>/pathway/versions/<int:number>/edit/", editor.edit, name="edit"),
    path("<slug:slug>/pathway/versions/<int:number>/edit/problems/", editor.problems, name="problems"),
    path("<slug:slug>/pathway/versions/<int:number>/edit/details/", editor.details, name="details"),
    path(
        "<slug:slug>/pathway/versions/<int:number>/edit/template/", editor.template_changes, name="template"
    ),
    path("<slug:slug>/pathway/versions/<int:number>/edit/steps/add/", editor.step_form, name="step-add"),
    path("<slug:slug>/pathway/versions/<int:number>/edit/steps/<slug:key>/", editor.step_form, name="step"),
    path(
        "<slug:slug>/pathway/versions/<int:number>/edit/steps/<slug:key>/move/",
        editor.step_move,
        name="step-move",
    ),
    path(
        "<slug:slug>/pathway/versions/<int:number>/edit/steps/<slug:key>/remove/",
        editor.step_remove,
        name="step-remove",
    ),
    path(
        "<slug:slug>/pathway/versions/<int:number>/edit/steps/<slug:key>/transitions/add/",
        editor.transition_form,
        name="transition-add",
    ),
    path(
        "<slug:slug>/pathway/versions/<int:number>/edit/steps/<slug:key>/transitions/<int:pk>/",
        editor.transition_form,
        name="transition",
    ),
    path(
        "<slug:slug>/pathway/versions/<int:number>/edit/steps/<slug:key>/transitions/<int:pk>/remove/",
        editor.transition_remove,
        name="transition-remove",
    ),
]
