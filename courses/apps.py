from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Assignments, participation scores and terms"

    def ready(self):
        from courses import permissions  # noqa: F401  registers the assignment rules into the access policy
        from courses.versions import move_assignments
        from versions.signals import version_published

        version_published.connect(move_assignments, dispatch_uid="courses_move_assignments")
