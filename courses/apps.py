from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Assignments, participation scores and terms"

    def ready(self):
        from courses import permissions  # noqa: F401  registers the assignment rules into the access policy
