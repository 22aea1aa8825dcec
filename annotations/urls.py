from django.urls import path, register_converter

from annotations.tag_names import TagNameConverter
from annotations.views import annotations as annotation_views
from annotations.views import exchange
from annotations.views import search as search_views

register_converter(TagNameConverter, "tagname")

urlpatterns = [
    # Annotations
    path("d/<slug:slug>/p/<slug:anchor>/annotate/", annotation_views.annotation_new, name="annotation_new"),
    path("d/<slug:slug>/p/<slug:anchor>/margin/", annotation_views.paragraph_margin_view, name="paragraph_margin"),
    path("d/<slug:slug>/margins/", annotation_views.document_margins, name="document_margins"),
    path("annotations/<int:pk>/", annotation_views.annotation, name="annotation"),
    path("annotations/<int:pk>/edit/", annotation_views.annotation_edit, name="annotation_edit"),
    path("annotations/<int:pk>/delete/", annotation_views.annotation_delete, name="annotation_delete"),
    path("annotations/<int:pk>/restore/", annotation_views.annotation_restore, name="annotation_restore"),
    path("annotations/tag-suggestions/", annotation_views.tag_suggestions, name="tag_suggestions"),
    path("tags/<tagname:name>/", annotation_views.tag, name="tag"),
    path("people/<str:username>/", annotation_views.person, name="person"),
    # Search, tags index, exports
    path("search/", search_views.search_page, name="search"),
    path("tags/", search_views.tags_index, name="tags"),
    path("export/", exchange.export_page, name="export"),
    path("export/download/", exchange.export_download, name="export_download"),
    path("import/", exchange.import_page, name="import_annotations"),
]
