from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "discussions"
    verbose_name = "Discussions, curation, moderation and notifications"

    def ready(self):
        from discussions import rules  # noqa: F401  registers the discussion rules into the access policy
