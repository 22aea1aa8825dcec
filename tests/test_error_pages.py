"""Refusals read as pages of the site, never as a bare "Not Found" or "403 Forbidden"."""

from django.urls import reverse

from annotations.models import Annotation, Visibility


def test_an_address_that_leads_nowhere_says_so_and_offers_a_way_on(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "<h1>Nothing to show here</h1>" in response.text and 'class="site-header"' in response.text
    assert f'href="{reverse("login")}?next=/no/such/page/"' in response.text


def test_another_persons_note_cannot_be_edited_and_the_page_says_why(client, document, make_user):
    note = Annotation.objects.create(
        paragraph=document.paragraphs.get(anchor="p2"), author=make_user("ada"), body="Mine", visibility=Visibility.PUBLIC
    )
    client.force_login(make_user("eve"))
    response = client.post(reverse("annotation_delete", args=[note.pk]))
    assert response.status_code == 403
    assert "You can read this, but not do that" in response.text and "Log out eve" in response.text
