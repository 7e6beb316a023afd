from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from partnerships.admin_base import ReadOnlyAdmin
from partnerships.jobs.admin_actions import job_answer
from partnerships.jobs.services import signed_reviews_zip_request
from partnerships.reports.models import SignedReview
from partnerships.reports.verification import stored_review_integrity


@admin.register(SignedReview)
class SignedReviewAdmin(ReadOnlyAdmin):
    list_display = [
        "report_id", "assessment", "language", "signer_name", "signed_at", "stored_bytes",
        "download",
    ]  # fmt: skip
    list_filter = ["language", "assessment__proposal__agency", "signed_at"]
    list_select_related = ["assessment__proposal"]
    search_fields = ["report_id", "sha256", "assessment__proposal__title", "signer_name"]
    date_hierarchy = "signed_at"
    exclude = ["pdf"]
    actions = ["download_signed_reviews"]
    readonly_fields = [
        "assessment", "report_id", "language", "sha256", "size", "signer", "signer_name",
        "signer_role", "certificate_subject", "certificate_sha256", "signed_at", "download",
        "integrity",
    ]  # fmt: skip

    @admin.display(description=_("PDF"))
    def download(self, review):
        url = reverse("assessment_report", args=[review.assessment_id]) + "?download=1"
        return format_html('<a href="{}">{}</a>', url, review.filename)

    @admin.display(description=_("stored PDF"))
    def stored_bytes(self, review):
        """The cheap check, for the list: the stored bytes against their SHA-256."""
        if review.stored_bytes_intact:
            return format_html(
                '<span style="color: var(--message-success-color, green)">✓ {}</span>',
                gettext("intact"),
            )
        return format_html(
            '<strong style="color: var(--error-fg, #ba2121)">✗ {}</strong>',
            gettext("damaged (SHA-256 mismatch)"),
        )

    @admin.display(description=_("integrity"))
    def integrity(self, review):
        """The full check: stored bytes, signature, and the embedded record against the
        database."""
        found = stored_review_integrity(review)
        notices = format_html_join("", "<li>{}</li>", ((notice,) for notice in found.notices))
        if found.ok:
            verdict = format_html(
                '<strong style="color: var(--message-success-color, green)">✓ {}</strong>',
                gettext(
                    "Intact: the stored PDF, its signature and the database agree with the "
                    "signed review."
                ),
            )
            return format_html("{}<ul>{}</ul>", verdict, notices) if found.notices else verdict
        return format_html(
            '<strong style="color: var(--error-fg, #ba2121)">✗ {}</strong><ul>{}{}</ul>',
            ngettext("%(count)s problem:", "%(count)s problems:", len(found.problems))
            % {"count": len(found.problems)},
            format_html_join("", "<li><code>{}</code></li>", ((p,) for p in found.problems)),
            notices,
        )

    @admin.action(description=_("Download the selected signed reviews (zip)"), permissions=["view"])
    def download_signed_reviews(self, request, queryset):
        """A background job makes the zip (partnerships/jobs). When it ran in place (the
        immediate backend) the file comes back at once, as before; otherwise the user's
        exports page lists it with its progress."""
        return job_answer(
            self,
            request,
            lambda: signed_reviews_zip_request(user=request.user, reviews=queryset),
        )
