from django.urls import path

from courses import views

urlpatterns = [
    path("groups/<int:pk>/copy-term/", views.copy_term, name="copy_term"),
]
