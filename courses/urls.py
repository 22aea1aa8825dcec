from django.urls import path

from courses import views

urlpatterns = [
    path("groups/<int:pk>/copy-term/", views.copy_term, name="copy_term"),
    path("groups/<int:pk>/assignments/", views.group_assignments, name="group_assignments"),
    path("groups/<int:pk>/assignments/new/", views.assignment_create, name="assignment_create"),
    path("assignments/<int:pk>/", views.assignment, name="assignment"),
    path("assignments/<int:pk>/edit/", views.assignment_edit, name="assignment_edit"),
    path("assignments/<int:pk>/gradebook/", views.gradebook, name="gradebook"),
    path("assignments/<int:pk>/gradebook.csv", views.gradebook_csv, name="gradebook_csv"),
    path("assignments/<int:pk>/students/<str:username>/score/", views.score_override, name="score_override"),
]
