from django.urls import path

from partnerships.sanctions import views

urlpatterns = [
    path("hits/<int:pk>/decide/", views.hit_decision, name="hit_decision"),
]
