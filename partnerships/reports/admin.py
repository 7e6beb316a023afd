from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from partnerships.admin_base import ReadOnlyAdmin
from partnerships.reports.archive import signed_reviews_zip
from partnerships.reports.models import SignedReview


@admin.register(SignedReview)
class SignedReviewAdmin(ReadOnlyAdmin):
    list_display = ["report_id", "assessment", "language", "signer_name", "signed_at", "download"]
    list_filter = ["language", "assessment__proposal__agency", "signed_at"]
    list_select_related = ["assessment__proposal"]
    search_fields = ["report_id", "sha256", "assessment__proposal__title", "signer_name"]
    date_hierarchy = "signed_at"
    exclude = ["pdf"]
    actions = ["download_signed_reviews"]
    readonly_fields = [
        "assessment", "report_id", "language", "sha256", "size", "signer", "signer_name",
        "signer_role", "certificate_subject", "certificate_sha256", "signed_at", "download",
    ]  # fmt: skip

    @admin.display(description=_("PDF"))
    def download(self, review):
        url = reverse("assessment_report", args=[review.assessment_id]) + "?download=1"
        return format_html('<a href="{}">{}</a>', url, review.filename)

    @admin.action(description=_("Download the selected signed reviews (zip)"), permissions=["view"])
    def download_signed_reviews(self, request, queryset):
        return signed_reviews_zip(queryset)
