from django.urls import path

from versions import views

urlpatterns = [
    path("documents/upload/", views.upload_document, name="upload_document"),
    path("uploads/<int:pk>/", views.upload_preview, name="upload_preview"),
    path("uploads/<int:pk>/retry/", views.upload_retry, name="upload_retry"),
    path("uploads/<int:pk>/correct/", views.upload_correct, name="upload_correct"),
    path("uploads/<int:pk>/corrections/undo/", views.upload_undo_corrections, name="upload_undo_corrections"),
    path("uploads/<int:pk>/publish/", views.upload_publish, name="upload_publish"),
    path("d/<slug:slug>/new-version/", views.upload_new_version, name="upload_new_version"),
    path("d/<slug:slug>/versions/", views.document_history, name="document_history"),
    path("d/<slug:slug>/v/<int:number>/", views.document_version, name="document_version"),
    path("d/<slug:slug>/p/<slug:anchor>/", views.paragraph_permalink, name="paragraph_permalink"),
    path("orphans/", views.orphan_list, name="orphans"),
    path("orphans/nav/", views.orphans_nav, name="orphans_nav"),
    path("orphans/<int:pk>/", views.orphan_detail, name="orphan"),
    path("orphans/<int:pk>/attach/", views.orphan_attach, name="orphan_attach"),
]
