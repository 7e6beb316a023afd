"""Who may do what with proposals and assessments. Views use these to show actions;
services use them to refuse (PermissionDenied), so the rules hold below the views."""

from partnerships.accounts.roles import Role
from partnerships.assessments.choices import EDITABLE_STATUSES, AssessmentStatus

WITHDRAWABLE = EDITABLE_STATUSES | {AssessmentStatus.SUBMITTED}


def same_agency(user, assessment) -> bool:
    return user.agency_id == assessment.proposal.agency_id


def can_create_proposal(user) -> bool:
    return user.has_role(Role.ASSESSOR)


def can_edit_proposal(user, proposal) -> bool:
    return user.has_role(Role.ASSESSOR) and user.agency_id == proposal.agency_id


def can_assess(user, proposal) -> bool:
    return user.has_role(Role.ASSESSOR) and user.agency_id == proposal.agency_id


def is_owner(user, assessment) -> bool:
    return user.pk == assessment.assessor_id and user.has_role(Role.ASSESSOR)


def can_edit(user, assessment) -> bool:
    return assessment.is_editable and is_owner(user, assessment) and same_agency(user, assessment)


def can_withdraw(user, assessment) -> bool:
    return assessment.status in WITHDRAWABLE and is_owner(user, assessment)


def can_review(user, assessment) -> bool:
    """A Reviewer of the proposal's agency who did not assess it (four eyes)."""
    return (
        user.has_role(Role.REVIEWER)
        and same_agency(user, assessment)
        and user.pk != assessment.assessor_id
    )


def can_start_review(user, assessment) -> bool:
    return assessment.status == AssessmentStatus.SUBMITTED and can_review(user, assessment)


def can_decide(user, assessment) -> bool:
    """Return or decide: the reviewer who took the assessment up."""
    return (
        assessment.status == AssessmentStatus.IN_REVIEW
        and assessment.reviewer_id == user.pk
        and can_review(user, assessment)
    )
