"""The site's addresses with the test LMS (tests/lti_platform.py) beside them under /platform/."""

from config.urls import urlpatterns as site
from tests.lti_platform import with_platform

urlpatterns = with_platform(site)
handler500 = "config.middleware.server_error"
