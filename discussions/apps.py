from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "discussions"
    verbose_name = "Discussions, curation, moderation and notifications"

    def ready(self):
        # Votes, replies and curation on every annotation card: the presenters sit below this
        # app, so it hands them its part instead of being imported by them.
        from annotations.presenters import register_discussion
        from discussions.cards import PART

        register_discussion(PART)
