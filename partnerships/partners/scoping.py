"""Which partners a user may see.

Partners are one registry shared by every agency (they have no agency of their own);
what is an agency's own is *which partners it works with*, i.e. its proposals. So a
user sees the partners of the proposals they may see (`Proposal.objects.for_user`:
their agency's, every agency's for Oversight) and, if they may create proposals
(assessors), the whole registry, since any registry partner may be attached to a
proposal. A partner's name and country are all a picker shows: nothing tells an
assessor which other agency, if any, works with a partner.
"""

from partnerships.assessments.permissions import can_create_proposal
from partnerships.partners.models import Partner, PartnerQuerySet
from partnerships.proposals.models import Proposal

# ?scope=proposals of the search endpoint: only partners of the proposals the user may
# see (the proposals list's filter).
PROPOSALS_SCOPE = "proposals"


def partners_visible_to(user, *, attachable: bool = True) -> PartnerQuerySet:
    """The partners the user may see. With `attachable=False`, only those of the
    proposals they may see (the proposals list's filter: any other partner would list
    nothing)."""
    if not user.is_authenticated:
        return Partner.objects.none()
    if attachable and can_create_proposal(user):
        return Partner.objects.all()
    return Partner.objects.in_proposals(Proposal.objects.for_user(user))
