from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Partnership check — administration")
admin.site.site_title = _("Partnership check")
admin.site.index_title = _("Oversight and reference data")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("partnerships.principles.urls")),
]
