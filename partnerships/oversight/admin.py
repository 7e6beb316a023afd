from django.contrib import admin

from partnerships.oversight.models import RepresentationTarget


@admin.register(RepresentationTarget)
class RepresentationTargetAdmin(admin.ModelAdmin):
    list_display = ["economy_group", "target_share"]
