from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from partnerships.accounts.models import Agency, User


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["acronym", "name", "user_count"]
    search_fields = ["acronym", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(user_count=Count("users"))

    @admin.display(description=_("users"), ordering="user_count")
    def user_count(self, agency):
        return agency.user_count


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "get_full_name", "email", "agency", "role_names", "is_active"]
    list_filter = ["agency", "groups", "is_active", "is_staff"]
    list_select_related = ["agency"]
    search_fields = ["username", "first_name", "last_name", "email", "agency__acronym"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:1],
        (_("Agency"), {"fields": ("agency",)}),
        *DjangoUserAdmin.fieldsets[1:],
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "email",
                    "agency",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_readonly_fields(self, request, obj=None):
        # Administrators manage accounts and roles; only a superuser makes superusers.
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
        return fields

    @admin.display(description=_("roles"))
    def role_names(self, user):
        return ", ".join(sorted(group.name for group in user.groups.all()))
