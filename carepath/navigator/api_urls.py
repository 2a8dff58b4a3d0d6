from django.urls import path

from . import api

urlpatterns = [path("navigator/match", api.MatchView.as_view(), name="api-navigator-match")]
