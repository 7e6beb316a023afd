"""Rows that may no longer change: published frameworks, decided assessments, and their parts.

A model opts in by subclassing `Freezable` and saying, as a Q object on its own
fields, which of its rows are frozen (`frozen_q`). A part of a frozen parent
also names the foreign key to that parent (`frozen_parent`), so that a row can
be neither attached nor moved to a frozen parent. `immutable_fields` never
change after the row is created, frozen or not. Saves, deletes, queryset
updates and deletes, reverse-relation adds and bulk creation all refuse with
`FrozenRecordError`: the rule holds below the views, for the admin, forms,
commands and shell code alike. Raw SQL and `loaddata` bypass models: the database
triggers of `partnerships.integrity` refuse those.
"""

from django.db import models


class FrozenRecordError(Exception):
    """A published framework, or a decided assessment, was about to be changed."""


class FreezableQuerySet(models.QuerySet):
    def _refuse_if_frozen(self) -> None:
        if self.filter(self.model.frozen_q()).exists():
            raise FrozenRecordError(self.model.frozen_message)

    def update(self, **kwargs):
        fixed = set(kwargs) & self.model.immutable_field_names()
        if fixed:
            raise FrozenRecordError(f"{', '.join(sorted(fixed))} cannot change once set.")
        self._refuse_if_frozen()
        parent = self.model.frozen_parent
        if parent and (parent in kwargs or f"{parent}_id" in kwargs):
            target = kwargs.get(parent, kwargs.get(f"{parent}_id"))
            self.model.refuse_frozen_parents({getattr(target, "pk", target)})
        return super().update(**kwargs)

    def delete(self):
        self._refuse_if_frozen()
        return super().delete()

    # On the queryset, so that `objects.all().bulk_create()` meets the rule too
    # (`bulk_update` runs through `update`).
    def bulk_create(self, objs, *args, **kwargs):
        if kwargs.get("update_conflicts"):
            raise FrozenRecordError("Upserts could overwrite frozen rows: save rows one by one.")
        objs = list(objs)
        if self.model.frozen_parent:
            self.model.refuse_frozen_parents(
                {getattr(obj, f"{self.model.frozen_parent}_id") for obj in objs}
            )
        return super().bulk_create(objs, *args, **kwargs)


class FreezableManager(models.Manager.from_queryset(FreezableQuerySet)):
    pass


class Freezable(models.Model):
    frozen_parent: str | None = None
    frozen_message = "This record is frozen: it cannot change."
    immutable_fields: tuple[str, ...] = ()

    objects = FreezableManager()

    class Meta:
        abstract = True
        # Reverse-relation adds and related lookups go through the guarded manager too.
        base_manager_name = "objects"

    def save(self, *args, **kwargs):
        self.refuse_if_frozen(update_fields=kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.refuse_if_frozen()
        return super().delete(*args, **kwargs)

    @classmethod
    def frozen_q(cls) -> models.Q:
        raise NotImplementedError

    @classmethod
    def immutable_field_names(cls) -> set[str]:
        names = set()
        for name in cls.immutable_fields:
            names |= {name, cls._meta.get_field(name).attname}
        return names

    @classmethod
    def parent_model(cls):
        return cls._meta.get_field(cls.frozen_parent).related_model

    @classmethod
    def refuse_frozen_parents(cls, parent_ids: set) -> None:
        parent = cls.parent_model()
        if parent._base_manager.filter(pk__in=parent_ids).filter(parent.frozen_q()).exists():
            raise FrozenRecordError(cls.frozen_message)

    def refuse_if_frozen(self, update_fields=None) -> None:
        """Raise when the stored row, or the parent it is (re)attached to, is frozen,
        or when an immutable field was changed."""
        if self.is_stored_frozen():
            raise FrozenRecordError(self.frozen_message)
        if self.frozen_parent:
            self.refuse_frozen_parents({getattr(self, f"{self.frozen_parent}_id")})
        if self.immutable_fields and self.pk is not None:
            attnames = [self._meta.get_field(name).attname for name in self.immutable_fields]
            stored = type(self)._base_manager.filter(pk=self.pk).values(*attnames).first()
            if stored and any(stored[a] != getattr(self, a) for a in attnames):
                raise FrozenRecordError(
                    f"{', '.join(self.immutable_fields)} cannot change once set."
                )

    def is_stored_frozen(self) -> bool:
        if self.pk is None:
            return False
        return type(self)._base_manager.filter(pk=self.pk).filter(self.frozen_q()).exists()


class Immutable(Freezable):
    """A row that never changes once written: a signed review, a step of the status
    history, a revision of what was assessed."""

    class Meta(Freezable.Meta):
        abstract = True

    @classmethod
    def frozen_q(cls) -> models.Q:
        return models.Q(pk__isnull=False)
