from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "discussions"
    verbose_name = "Discussions, curation, moderation and notifications"

    def ready(self):
        # The access policy and the annotation cards sit below this app, so it hands them its
        # parts (the discussion rules; votes, replies and curation on every card) instead of
        # being imported by them. Here, because models are loaded only once apps are ready.
        from annotations.editing import register_after_create, register_after_update
        from annotations.presenters import register_discussion
        from discussions import rules  # noqa: F401  registers the discussion rules into the access policy
        from discussions.cards import PART
        from discussions.posting import announce, change_anonymity, record_anonymity

        register_discussion(PART)
        register_after_create(record_anonymity)
        register_after_create(announce)
        register_after_update(change_anonymity)
