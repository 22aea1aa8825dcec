from django.shortcuts import get_object_or_404, render

from reader.models import Document


def library(request):
    documents = Document.objects.published()
    return render(request, "reader/library.html", {"documents": documents})


def document(request, slug):
    document = get_object_or_404(Document.objects.published(), slug=slug)
    paragraphs = document.paragraphs.all()
    return render(request, "reader/document.html", {"document": document, "paragraphs": paragraphs})
