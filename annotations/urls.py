from django.urls import path

from annotations.views import groups

urlpatterns = [
    # Study groups, memberships and invitations
    path("groups/", groups.my_groups, name="groups"),
    # Annotations
]
