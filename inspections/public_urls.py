"""Public (no login) pages of the draws, mounted at /public/draws/."""

from django.urls import path

from . import public_views

app_name = "public_draws"
urlpatterns = [
    path("", public_views.public_draw_list, name="list"),
    path("<str:seed>/", public_views.public_draw_detail, name="detail"),
]
