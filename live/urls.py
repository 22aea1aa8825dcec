from django.urls import path

from live import stream, views

urlpatterns = [
    path("d/<slug:slug>/", views.document, name="document"),
    path("d/<slug:slug>/live/stream/", stream.stream, name="live_stream"),
    path("d/<slug:slug>/live/poll/", views.poll, name="live_poll"),
]
