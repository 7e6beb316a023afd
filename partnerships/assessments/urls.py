from django.urls import path

from partnerships.assessments import views

urlpatterns = [
    path("<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("<int:pk>/gate/", views.assessment_gate, name="assessment_gate"),
    path("<int:pk>/answers/", views.assessment_answers, name="assessment_answers"),
    path("<int:pk>/preview/", views.assessment_score_preview, name="assessment_score_preview"),
    path("<int:pk>/submit/", views.assessment_submit, name="assessment_submit"),
    path("<int:pk>/withdraw/", views.assessment_withdraw, name="assessment_withdraw"),
    path("<int:pk>/review/", views.assessment_start_review, name="assessment_start_review"),
    path("<int:pk>/return/", views.assessment_return, name="assessment_return"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
]
