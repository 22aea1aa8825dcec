"""A paragraph is named as people name it ("§ 1, ¶ 3 — Green development…"), counted from 1 as
the heat strip counts, on every page that points at one, never by its anchor."""

from django.urls import reverse

from annotations.models import Annotation, Visibility
from reader.models import Paragraph
from reader.rendering import paragraph_name, paragraph_title


def test_the_name_has_the_section_the_number_from_one_and_the_opening_words():
    paragraph = Paragraph(position=2, section="1.2", text="In 1981, the *Sixth Plenum* of the Eleventh Central Committee resolved")
    assert paragraph_name(paragraph) == "§ 1.2, ¶ 3"
    assert paragraph_title(paragraph) == "§ 1.2, ¶ 3 — In 1981, the Sixth Plenum of the Eleventh…"
    assert paragraph_title(Paragraph(position=0, text="A Short Paper")) == "¶ 1 — A Short Paper"
    assert paragraph_title(Paragraph(position=4, text="  ")) == "¶ 5"  # no dangling dash


def test_a_notes_page_and_its_edit_form_name_the_paragraph_not_its_anchor(client, document, make_user):
    paragraph = document.paragraphs.get(anchor="p3")
    note = Annotation.objects.create(paragraph=paragraph, author=make_user("ada"), body="Mine", visibility=Visibility.PUBLIC)
    client.force_login(note.author)
    for url in (reverse("annotation", args=[note.pk]), reverse("annotation_edit", args=[note.pk])):
        html = client.get(url).text
        assert "§ 1, ¶ 4 — Green development asks for new energy and…" in html, url
        assert "¶ p3" not in html, url
