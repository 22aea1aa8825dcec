"""The LMS rules, registered into the access policy's one map."""

from access.policy import is_instructor, is_superuser, register

register({
    # Sync a course's roster or send its scores now; see its LMS page.
    "group.sync_lms": [[is_instructor], [is_superuser]],
    # Place one of the group's readings in the LMS (deep linking).
    "group.link_lms_assignment": [[is_instructor]],
})
