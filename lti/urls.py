from django.urls import path
from lti_tool.views import jwks

from lti import views

urlpatterns = [
    path("lti/jwks/", jwks, name="lti_jwks"),
    path("lti/login/", views.login_initiation, name="lti_login"),
    path("lti/launch/", views.launch, name="lti_launch"),
    path("lti/open/<str:token>/", views.opened, name="lti_opened"),
    path("lti/resume/<str:token>/", views.resume, name="lti_resume"),
    path("lti/deep-link/", views.deep_link, name="lti_deep_link"),
    path("lti/groups/<int:pk>/", views.course, name="lti_course"),
    path("lti/groups/<int:pk>/roster/", views.roster_sync, name="lti_roster_sync"),
    path("lti/assignments/<int:pk>/scores/", views.scores_send, name="lti_scores_send"),
]
