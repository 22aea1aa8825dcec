"""Deleting is soft: gone for everyone else at once, restorable by the author for 30 days."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from annotations.models import Annotation, Visibility
from groups.models import Membership
from versions.models import Publication


@pytest.fixture
def note(document, make_user):
    return Annotation.objects.create(
        paragraph=document.paragraphs.get(anchor="p2"), author=make_user("ada"), body="Public thought",
        visibility=Visibility.PUBLIC,
    )


def read(client, document):
    return client.get(reverse("document", args=[document.slug])).text


def test_deleting_hides_it_from_others_at_once_and_offers_the_author_an_undo(client, note, document, make_user):
    client.force_login(note.author)
    response = client.post(reverse("annotation_delete", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/d/short-paper/#p-p2"
    note.refresh_from_db()
    assert note.deleted_at is not None and Annotation.objects.filter(pk=note.pk).exists()  # soft
    own_page = read(client, document)
    assert "You deleted this note." in own_page and reverse("annotation_restore", args=[note.pk]) in own_page
    assert "Public thought" not in own_page
    client.force_login(make_user("eve"))
    other_page = read(client, document)
    assert "Public thought" not in other_page and "deleted" not in other_page
    assert client.get(reverse("annotation", args=[note.pk])).status_code == 404
    client.logout()
    assert "Public thought" not in read(client, document)


def test_the_author_restores_it(client, note, document):
    client.force_login(note.author)
    client.post(reverse("annotation_delete", args=[note.pk]))
    response = client.post(reverse("annotation_restore", args=[note.pk]))
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.deleted_at is None
    assert "Public thought" in read(client, document)


def test_with_htmx_delete_and_undo_swap_the_margin(client, note):
    client.force_login(note.author)
    response = client.post(reverse("annotation_delete", args=[note.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200 and 'id="m-p2"' in response.text and "Undo" in response.text
    response = client.post(reverse("annotation_restore", args=[note.pk]), headers={"HX-Request": "true"})
    assert "Public thought" in response.text


def test_after_thirty_days_it_can_no_longer_be_restored(client, note):
    Annotation.objects.filter(pk=note.pk).update(deleted_at=timezone.now() - timedelta(days=31))
    client.force_login(note.author)
    assert client.post(reverse("annotation_restore", args=[note.pk])).status_code == 403
    assert Annotation.objects.get(pk=note.pk).deleted_at is not None


def test_others_can_neither_delete_nor_restore(client, note, make_user):
    client.force_login(make_user("eve"))
    assert client.post(reverse("annotation_delete", args=[note.pk])).status_code == 403
    assert Annotation.objects.get(pk=note.pk).deleted_at is None
    Annotation.objects.filter(pk=note.pk).update(deleted_at=timezone.now())
    assert client.post(reverse("annotation_restore", args=[note.pk])).status_code == 404
    assert Annotation.objects.get(pk=note.pk).deleted_at is not None


def test_delete_is_post_only(client, note):
    client.force_login(note.author)
    assert client.get(reverse("annotation_delete", args=[note.pk])).status_code == 405
    assert Annotation.objects.get(pk=note.pk).deleted_at is None


def test_my_page_lists_what_i_deleted_recently_with_a_restore_button(client, note):
    Annotation.objects.filter(pk=note.pk).update(deleted_at=timezone.now())
    client.force_login(note.author)
    html = client.get(reverse("person", args=["ada"])).text
    assert "Recently deleted" in html and "Public thought" in html
    assert reverse("annotation_restore", args=[note.pk]) in html


def test_my_page_does_not_list_deleted_notes_on_a_paper_i_may_no_longer_read(client, note, group_roles):
    group, _, cast = group_roles
    Publication.objects.create(document=note.paragraph.document, group=group, published_by=cast["instructor"])
    Annotation.objects.filter(pk=note.pk).update(author=cast["member"], deleted_at=timezone.now())
    client.force_login(cast["member"])
    assert "Public thought" in client.get(reverse("person", args=["mia"])).text
    Membership.objects.filter(group=group, user=cast["member"]).delete()
    html = client.get(reverse("person", args=["mia"])).text
    assert "Public thought" not in html and "Recently deleted" not in html
