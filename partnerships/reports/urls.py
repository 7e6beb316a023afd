from django.urls import path

from partnerships.reports import views

urlpatterns = [
    path("assessments/<int:pk>/decide/", views.assessment_decide, name="assessment_decide"),
    path("assessments/<int:pk>/report.pdf", views.review_report, name="assessment_report"),
    path("verify/", views.verify, name="verify"),
]
