from django.urls import path

from groups import views

urlpatterns = [
    # Study groups, memberships and invitations
    path("groups/", views.my_groups, name="groups"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/<int:pk>/", views.group, name="group"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:pk>/delete/", views.group_delete, name="group_delete"),
    path("groups/<int:pk>/leave/", views.group_leave, name="group_leave"),
    path("groups/<int:pk>/invitations/", views.group_invite, name="group_invite"),
    path(
        "groups/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("groups/<int:pk>/members/<int:membership_pk>/role/", views.member_role, name="member_role"),
    path("groups/<int:pk>/members/<int:membership_pk>/remove/", views.member_remove, name="member_remove"),
    path("join/<str:token>/", views.join_group, name="join_group"),
    # The group's discussion settings (the discussion itself is served by discussions)
    path("groups/<int:pk>/discussion/settings/", views.group_discussion_settings, name="group_discussion_settings"),
]
