from django.contrib import admin
from django.urls import include, path

from config import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("livez", health.livez, name="livez"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("api/", include("api.urls")),
    path("", include("groups.urls")),
    path("", include("annotations.urls")),
    path("", include("discussions.urls")),
    path("", include("reader.urls")),
    path("", include("versions.urls")),
    path("", include("courses.urls")),
    path("", include("dashboard.urls")),
    path("", include("live.urls")),
]

# A database outage raised outside a view still answers 503, not a bare 500.
handler500 = "config.middleware.server_error"
