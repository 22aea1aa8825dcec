from django.urls import path

from dashboard import views

urlpatterns = [
    path("groups/<int:pk>/dashboard/", views.index, name="dashboard"),
    path("groups/<int:pk>/dashboard/<slug:slug>/", views.document_dashboard, name="dashboard_document"),
    path("groups/<int:pk>/dashboard/<slug:slug>/<slug:table>.csv", views.table_csv, name="dashboard_csv"),
]
