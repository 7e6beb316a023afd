"""Writes to checklist frameworks: publish, retire, start a new version."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from partnerships.checklists.models import (
    Criterion,
    Framework,
    FrameworkStatus,
    PrincipleWeight,
)
from partnerships.principles.models import Principle


def framework_publication_problems(framework: Framework) -> list[str]:
    """What stops a draft from being published; empty when it is ready."""
    problems = []
    if not framework.is_draft:
        problems.append(_("Only a draft can be published."))
    weighted = set(framework.principle_weights.values_list("principle_id", flat=True))
    with_criteria = set(framework.criteria.values_list("principle_id", flat=True))
    for principle in Principle.objects.all():
        if principle.pk not in weighted:
            problems.append(_("Principle %(p)s has no weight.") % {"p": principle})
        if principle.pk not in with_criteria:
            problems.append(_("Principle %(p)s has no criterion.") % {"p": principle})
    if framework.conditions_threshold > framework.engage_threshold:
        problems.append(_("The Engage threshold is below the Engage-with-conditions threshold."))
    return problems


@transaction.atomic
def framework_publish(*, framework: Framework) -> Framework:
    """Publish a complete draft; earlier published versions of the same checklist retire."""
    problems = framework_publication_problems(framework)
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    for previous in Framework.objects.published().filter(name=framework.name):
        framework_retire(framework=previous, when=now)
    framework.status = FrameworkStatus.PUBLISHED
    framework.published_at = now
    framework.save()
    return framework


def framework_retire(*, framework: Framework, when=None) -> Framework:
    """Take a published framework out of use for new assessments; its content stays."""
    if framework.status != FrameworkStatus.PUBLISHED:
        raise ValidationError(_("Only a published framework can be retired."))
    framework.status = FrameworkStatus.RETIRED
    framework.retired_at = when or timezone.now()
    framework.save(update_fields=["status", "retired_at"])
    return framework


@transaction.atomic
def framework_create_version(*, framework: Framework, version: str) -> Framework:
    """A new draft with the same thresholds, weights and criteria, ready to edit."""
    if Framework.objects.filter(name=framework.name, version=version).exists():
        raise ValidationError({"version": _("Version %(v)s already exists.") % {"v": version}})
    draft = Framework.objects.create(
        name=framework.name,
        version=version,
        description_en=framework.description_en,
        description_zh=framework.description_zh,
        engage_threshold=framework.engage_threshold,
        conditions_threshold=framework.conditions_threshold,
        based_on=framework,
    )
    bulk_create_with_history(
        [
            PrincipleWeight(framework=draft, principle_id=w.principle_id, weight=w.weight)
            for w in framework.principle_weights.all()
        ],
        PrincipleWeight,
    )
    copied_fields = [
        "principle_id", "code", "position", "question_en", "question_zh", "guidance_en",
        "guidance_zh", "evidence_en", "evidence_zh", "weight", "is_key", "allows_not_applicable",
        "basis",
    ]  # fmt: skip
    bulk_create_with_history(
        [
            Criterion(framework=draft, **{field: getattr(c, field) for field in copied_fields})
            for c in framework.criteria.all()
        ],
        Criterion,
    )
    return draft
