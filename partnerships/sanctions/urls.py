from django.urls import path

from partnerships.sanctions import views

urlpatterns = [
    path("hits/<int:pk>/", views.hit_detail, name="hit_detail"),
    path("hits/<int:pk>/decide/", views.hit_decision, name="hit_decision"),
]
