from django.urls import path

from reader import views

urlpatterns = [
    path("", views.library, name="library"),
    path("d/<slug:slug>/search/", views.document_search, name="document_search"),
    path("d/<slug:slug>/original/", views.document_original, name="document_original"),
    path("d/<slug:slug>/p/<slug:anchor>/cite/", views.paragraph_cite, name="paragraph_cite"),
]
