from django.urls import path

from . import api

urlpatterns = [
    path("practices/", api.PracticeList.as_view(), name="api-practices"),
    path("practices/<slug:slug>", api.PracticeDetail.as_view(), name="api-practice"),
    path("case-studies/", api.CaseStudyList.as_view(), name="api-case-studies"),
    path("case-studies/<slug:slug>", api.CaseStudyDetail.as_view(), name="api-case-study"),
    path("instruments/<slug:code>/<int:version>", api.InstrumentView.as_view(), name="api-instrument"),
]
