from django.urls import path

from partnerships.partners import views

urlpatterns = [
    path("search.json", views.partner_search, name="partner_search"),
    path("<int:pk>/people/", views.partner_key_people, name="partner_key_people"),
]
