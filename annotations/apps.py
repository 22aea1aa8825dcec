from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = "Annotations"

    def ready(self):
        from annotations import (
            lookups,  # noqa: F401  registers __any
            permissions,  # noqa: F401  registers the annotation rules into the access policy
        )
