from django.urls import path

from api import views
from api.api import api

urlpatterns = [
    # Token management is a page, not part of the JSON API.
    path("tokens/", views.tokens, name="api_tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="api_token_revoke"),
    path("", api.urls),
]
