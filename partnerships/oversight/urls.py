from django.urls import path

from partnerships.oversight import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("exports/<str:kind>.<str:file_format>", views.export, name="export"),
]
