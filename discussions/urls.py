from django.urls import path

from discussions import views

urlpatterns = [
    # Threads and their actions
    path("threads/<int:pk>/", views.thread, name="thread"),
    path("threads/<int:pk>/reply/", views.reply, name="thread_reply"),
    path("annotations/<int:pk>/vote/", views.vote, name="annotation_vote"),
    path("annotations/<int:pk>/flag/", views.flag, name="annotation_flag"),
    path("annotations/<int:pk>/hide/", views.hide, name="annotation_hide"),
    path("annotations/<int:pk>/unhide/", views.unhide, name="annotation_unhide"),
    path("annotations/<int:pk>/dismiss-flags/", views.dismiss, name="annotation_dismiss_flags"),
    path("annotations/<int:pk>/question/", views.mark_question, name="annotation_question"),
    path("annotations/<int:pk>/resolve/", views.resolve, name="annotation_resolve"),
    path("annotations/<int:pk>/pin/", views.pin, name="annotation_pin"),
    path("annotations/<int:pk>/endorse/", views.endorse, name="annotation_endorse"),
    path("annotations/<int:pk>/lock/", views.lock, name="annotation_lock"),
    path("annotations/<int:pk>/guide/", views.add_to_guide, name="annotation_add_to_guide"),
    # A paragraph's discussion and instructors' prompts
    path("d/<slug:slug>/p/<slug:anchor>/discussion/", views.paragraph_discussion, name="paragraph_discussion"),
    path("d/<slug:slug>/p/<slug:anchor>/prompt/", views.post_prompt, name="post_prompt"),
    path("d/<slug:slug>/guide/", views.reading_guide, name="reading_guide"),
    # Groups: discussion hub, guides, moderation, mention autocomplete
    path("groups/<int:pk>/discussion/", views.group_discussion, name="group_discussion"),
    path("groups/<int:pk>/guides/<slug:slug>/", views.guide, name="guide"),
    path("groups/<int:pk>/guides/<slug:slug>/steps/", views.guide_add_step, name="guide_add_step"),
    path("groups/<int:pk>/guides/<slug:slug>/steps/<int:step_pk>/move/", views.guide_move_step, name="guide_move_step"),
    path(
        "groups/<int:pk>/guides/<slug:slug>/steps/<int:step_pk>/remove/", views.guide_remove_step,
        name="guide_remove_step",
    ),
    path("groups/<int:pk>/guides/<slug:slug>/<int:position>/", views.guide_step, name="guide_step"),
    path("groups/<int:pk>/moderation/", views.moderation_queue, name="moderation_queue"),
    path("groups/<int:pk>/moderation/log/", views.moderation_log, name="moderation_log"),
    path("groups/<int:pk>/mentions/", views.mention_suggestions, name="mention_suggestions"),
    # Notifications and follows
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/unread/", views.notifications_unread, name="notifications_unread"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("follow/", views.follow, name="follow"),
]
