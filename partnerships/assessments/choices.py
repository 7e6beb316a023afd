from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Rating(models.IntegerChoices):
    NOT_MET = 0, _("Not met")
    PARTIALLY_MET = 1, _("Partially met")
    LARGELY_MET = 2, _("Largely met")
    FULLY_MET = 3, _("Fully met")


class Outcome(models.TextChoices):
    ENGAGE = "engage", _("Engage")
    ENGAGE_WITH_CONDITIONS = "engage_with_conditions", _("Engage with conditions")
    DO_NOT_ENGAGE = "do_not_engage", _("Do not engage")
    INCOMPLETE = "incomplete", _("Incomplete")


DECISION_OUTCOMES = [
    (value, label) for value, label in Outcome.choices if value != Outcome.INCOMPLETE
]


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


EDITABLE_STATUSES = frozenset({AssessmentStatus.DRAFT, AssessmentStatus.RETURNED})
DECIDED_STATUSES = frozenset({AssessmentStatus.APPROVED, AssessmentStatus.REJECTED})
# Waiting for a reviewer: submitted, or taken up for review.
REVIEW_STATUSES = frozenset({AssessmentStatus.SUBMITTED, AssessmentStatus.IN_REVIEW})


class StatusGroup(models.TextChoices):
    """Statuses chosen together as one choice of the proposals list's status filter,
    which My work's lists link to."""

    AWAITING_DECISION = "awaiting_decision", _("Awaiting decision")
    DECIDED = "decided", pgettext_lazy("assessment status filter", "Decided")


STATUS_GROUP_MEMBERS = {
    StatusGroup.AWAITING_DECISION: REVIEW_STATUSES,
    StatusGroup.DECIDED: DECIDED_STATUSES,
}


class GateResponse(models.TextChoices):
    NO = "no", _("No")
    YES = "yes", _("Yes")
    UNKNOWN = "unknown", _("Unknown")
