"""A person's page: their annotations I may see; their anonymous posts stay anonymous."""

import pytest
from django.urls import reverse

from annotations.models import Annotation, Visibility
from discussions.models import Curation


@pytest.fixture
def notes(document, group_roles):
    group, other, cast = group_roles
    p = document.paragraphs.get(anchor="p3")
    made = {}
    for name, visibility, g in (("public", Visibility.PUBLIC, None), ("group", Visibility.GROUP, group),
                                ("private", Visibility.PRIVATE, None)):
        made[name] = Annotation.objects.create(paragraph=p, author=cast["member"], body=f"Mia's {name} note",
                                               visibility=visibility, group=g)
    return made, cast


def page(client, username="mia"):
    return client.get(reverse("person", args=[username]))


def test_url_name_and_address():
    assert reverse("person", args=["mia"]) == "/people/mia/"


def test_strangers_see_the_public_ones(client, notes):
    html = page(client).text
    assert "Mia's public note" in html
    assert "group note" not in html and "private note" not in html


def test_classmates_see_group_ones_and_the_person_sees_everything(client, notes):
    _, cast = notes
    client.force_login(cast["instructor"])
    html = page(client).text
    assert "group note" in html and "private note" not in html
    client.force_login(cast["member"])
    html = page(client).text
    assert "group note" in html and "private note" in html and "Your annotations" in html


def test_an_anonymous_post_is_not_listed_under_its_author(client, notes):
    made, cast = notes
    Curation.objects.create(annotation=made["group"], is_anonymous=True)
    client.force_login(cast["moderator"])
    html = page(client).text
    assert "group note" not in html and "Mia's public note" in html


def test_unknown_people_answer_404(client, db):
    assert page(client, "nobody").status_code == 404


def test_cards_link_authors_to_their_page(client, notes, document):
    html = client.get(reverse("document", args=[document.slug])).text
    assert 'href="/people/mia/"' in html


def test_actions_on_list_pages_are_plain_forms(client, notes):
    """Outside the reader there is no margin for htmx to swap: Edit and Delete work as links and forms."""
    _, cast = notes
    client.force_login(cast["member"])
    html = page(client).text
    assert 'action="/annotations/' in html and "/delete/" in html
    assert "hx-post" not in html and 'hx-target="#m-' not in html
