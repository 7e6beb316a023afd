"""Screen a partner when it is created or renamed, or one of its key people is recorded or
changed, whatever the path (forms, admin, shell); keep every screening hit."""

from django.db.models.signals import post_save, pre_delete, pre_save
from django.dispatch import receiver

from partnerships.frozen import FrozenRecordError
from partnerships.partners.models import KeyPerson, Partner
from partnerships.sanctions.models import ScreeningHit
from partnerships.sanctions.screening import screen_partners


@receiver(pre_save, sender=Partner)
def remember_names(sender, instance: Partner, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._names_before = None
        return
    instance._names_before = (
        Partner.objects.filter(pk=instance.pk).values_list("legal_name", "other_names").first()
    )


@receiver(post_save, sender=Partner)
def screen_new_or_renamed(sender, instance: Partner, created=False, raw=False, **kwargs):
    # A caller that saves more (the admin: the partner, then its people) screens once.
    if raw or getattr(instance, "_screened_by_caller", False):
        return
    before = getattr(instance, "_names_before", None)
    if created or before != (instance.legal_name, instance.other_names):
        screen_partners([instance])


@receiver(post_save, sender=KeyPerson)
def screen_new_or_changed_person(sender, instance: KeyPerson, raw=False, **kwargs):
    # key_people_save screens the partner once when all its people are saved.
    if not raw and not getattr(instance, "_screened_by_caller", False):
        screen_partners([instance.partner])


@receiver(pre_delete, sender=ScreeningHit)
def keep_screening_hits(sender, instance: ScreeningHit, **kwargs):
    # Every ORM delete reaches here: hit.delete(), a queryset's delete() and the cascade
    # from deleting its partner. An open hit blocks submission until a reviewer decides it.
    raise FrozenRecordError(
        "A screening hit is never deleted: a reviewer clears or confirms it, with a note."
    )
