from django.urls import path

from annotations.views import groups
from annotations.views import search as search_views

urlpatterns = [
    # Study groups, memberships and invitations
    path("groups/", groups.my_groups, name="groups"),
    # Annotations
    # Search, tags index, exports
    path("search/", search_views.search_page, name="search"),
    path("tags/", search_views.tags_index, name="tags"),
]
