from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from partnerships.assessments.views import home
from partnerships.health import healthz

admin.site.site_header = _("Partnership check — administration")
admin.site.site_title = _("Partnership check")
admin.site.index_title = _("Oversight and reference data")

urlpatterns = [
    # Outside any i18n prefix or login: probes call it as is.
    path("healthz", healthz, name="healthz"),
    path("", home, name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("proposals/", include("partnerships.proposals.urls")),
    path("partners/", include("partnerships.partners.urls")),
    path("assessments/", include("partnerships.assessments.urls")),
    path("principles/", include("partnerships.principles.urls")),
    path("oversight/", include("partnerships.oversight.urls")),
    path("exports/", include("partnerships.jobs.urls")),
    path("sanctions/", include("partnerships.sanctions.urls")),
    path("", include("partnerships.reports.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
