from django.urls import path

from partnerships.principles import views

urlpatterns = [
    path("", views.about, name="about"),
]
