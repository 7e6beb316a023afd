from django.urls import path
from django.views.generic import RedirectView

from partnerships.principles import views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="about", permanent=False)),
    path("principles/", views.about, name="about"),
]
