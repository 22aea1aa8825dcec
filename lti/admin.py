"""django-lti registers platforms (with their deployments) and keys in the admin; these are
Marginalia's own rows beside them."""

from django.contrib import admin

from lti.models import CourseLink, LinkedAssignment, ScoreSend


@admin.register(CourseLink)
class CourseLinkAdmin(admin.ModelAdmin):
    list_display = ["context", "group", "roster_synced_at", "roster_error"]
    raw_id_fields = ["context", "group"]


@admin.register(LinkedAssignment)
class LinkedAssignmentAdmin(admin.ModelAdmin):
    list_display = ["assignment", "context", "lineitem_url", "scores_sent_at"]
    raw_id_fields = ["assignment", "context", "resource_link"]


@admin.register(ScoreSend)
class ScoreSendAdmin(admin.ModelAdmin):
    list_display = ["linked", "user", "points", "points_possible", "status", "attempts", "updated"]
    list_filter = ["status"]
    raw_id_fields = ["linked", "user"]
