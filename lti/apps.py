from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "lti"
    verbose_name = "LMS integration (LTI 1.3 Advantage)"

    def ready(self):
        from lti import permissions  # noqa: F401  registers the LMS rules into the access policy
