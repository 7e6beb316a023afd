from django.urls import path

from partnerships.jobs import views

urlpatterns = [
    path("", views.export_list, name="exports"),
    path("status.json", views.export_status, name="export_status"),
    path("<int:pk>/download", views.export_download, name="export_download"),
]
