"""Screen a partner when it is created or renamed, whatever the path (forms, admin, shell)."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from partnerships.partners.models import Partner
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
    if raw:
        return
    before = getattr(instance, "_names_before", None)
    if created or before != (instance.legal_name, instance.other_names):
        screen_partners([instance])
