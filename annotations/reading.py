"""What the reading page shows in the margin: annotations, counts and highlights per paragraph.

reader.views.document calls margin_context(); the annotations feature fills it in.
"""


def margin_context(user, document, paragraphs) -> dict:
    return {}
