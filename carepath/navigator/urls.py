from django.urls import path

from . import views

app_name = "navigator"
urlpatterns = [
    path("navigator/", views.choose, name="choose"),
    path("communities/<slug:slug>/navigator/", views.journey, name="journey"),
    path("communities/<slug:slug>/navigator/provider/", views.journey, {"provider": True}, name="provider"),
    path("communities/<slug:slug>/navigator/plan/", views.plan_page, name="plan"),
    path(
        "communities/<slug:slug>/navigator/provider/plan/",
        views.plan_page,
        {"provider": True},
        name="provider-plan",
    ),
    path("communities/<slug:slug>/navigator/save/", views.save, name="save"),
    path("communities/<slug:slug>/navigator/print/", views.print_plan, name="print"),
    path("plan/<str:token>/", views.saved, name="saved"),
    path("plan/<str:token>/print/", views.saved, {"template": "navigator/print.html"}, name="saved-print"),
    path("plan/<str:token>/delete/", views.delete, name="delete"),
]
