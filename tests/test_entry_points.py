"""The ways in to uploading and to a paper's versions: "Add a reading" on a group's page,
"Upload a new version" and "Version history" on the reading page. Each shows exactly to
whoever may use it, and leads to a page that answers them 200."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from groups.models import Membership, Role
from reader.importing import import_document
from versions.models import Publication
from versions.moving import publish_new_version

pytestmark = pytest.mark.django_db

TEXT = "A Paper on Tides\n\n1. Introduction\n\nThe tide ledgers of the harbour were kept by hand for a century.\n"
REVISED = TEXT + "\nA second paragraph arrived with the second version of the paper.\n"


def _client(user=None):
    """A browser of its own (its own session, so its own kept reading page)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _links(html):
    return set(re.findall(r'<a [^>]*href="([^"]+)"', html))


@pytest.fixture
def library_paper(db):
    document, _ = import_document(TEXT, "tides")
    return document


@pytest.fixture
def group_paper(group_roles):
    group, _, cast = group_roles
    document, _ = import_document(TEXT, "group-tides")
    Publication.objects.create(document=document, group=group, published_by=cast["instructor"])
    return document


# --- "Add a reading" on a group's page ------------------------------------------------------


def _add_reading(group):
    return f"{reverse('upload_document')}?group={group.pk}"


def _checked_audience(html):
    return re.findall(r'<input type="radio" name="audience" value="([^"]+)"[^>]* checked', html)


@pytest.mark.parametrize("role", ["instructor", "superuser"])
def test_who_may_publish_to_the_group_is_led_to_the_upload_with_the_group_chosen(group_roles, role):
    group, _, cast = group_roles
    client = _client(cast[role])
    html = client.get(reverse("group", args=[group.pk])).content.decode()
    assert _add_reading(group) in _links(html) and "Add a reading" in html

    response = client.get(_add_reading(group))
    page = response.content.decode()
    assert response.status_code == 200
    assert _checked_audience(page) == [str(group.pk)]
    # The way back leads to the group, and a file sent from here keeps the group chosen.
    assert group.get_absolute_url() in _links(page)
    assert f'action="{_add_reading(group)}"' in page


@pytest.mark.parametrize("role", ["moderator", "member"])
def test_members_who_may_not_publish_see_no_add_a_reading(group_roles, role):
    group, _, cast = group_roles
    html = _client(cast[role]).get(reverse("group", args=[group.pk])).content.decode()
    assert "Add a reading" not in html and reverse("upload_document") not in html


@pytest.mark.parametrize("role", ["outsider", "other_instructor"])
def test_outsiders_get_no_group_page_at_all(group_roles, role):
    group, _, cast = group_roles
    response = _client(cast[role]).get(reverse("group", args=[group.pk]))
    assert response.status_code == 404 and "Add a reading" not in response.content.decode()


@pytest.mark.parametrize("given", ["group-of-someone-else", "not-a-number", ""])
def test_a_group_one_may_not_publish_to_is_not_preselected(group_roles, given):
    _, other, cast = group_roles
    value = {"group-of-someone-else": str(other.pk), "not-a-number": "x1", "": ""}[given]
    response = _client(cast["instructor"]).get(reverse("upload_document"), {"group": value})
    page = response.content.decode()
    assert response.status_code == 200
    assert _checked_audience(page) == ["library"]
    assert "Other seminar" not in page and reverse("library") in _links(page)


# --- The reading page's links to its versions --------------------------------------------


def _reading_links(document, user=None):
    client = _client(user)
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    return client, _links(response.content.decode())


@pytest.mark.parametrize("role", [None, "outsider", "member", "instructor"])
def test_everyone_who_reads_a_library_paper_finds_its_history(group_roles, library_paper, role):
    _, _, cast = group_roles
    client, links = _reading_links(library_paper, role and cast[role])
    history = reverse("document_history", args=[library_paper.slug])
    assert history in links
    assert client.get(history).status_code == 200


@pytest.mark.parametrize("role", [None, "outsider", "member", "instructor", "other_instructor"])
def test_only_staff_are_offered_a_new_version_of_a_library_paper(group_roles, library_paper, role):
    _, _, cast = group_roles
    _, links = _reading_links(library_paper, role and cast[role])
    assert reverse("upload_new_version", args=[library_paper.slug]) not in links


@pytest.mark.parametrize("user", ["staff", "superuser"])
def test_staff_are_led_to_a_new_version_of_a_library_paper(group_roles, library_paper, make_user, user):
    _, _, cast = group_roles
    person = make_user("stella", is_staff=True) if user == "staff" else cast["superuser"]
    client, links = _reading_links(library_paper, person)
    new_version = reverse("upload_new_version", args=[library_paper.slug])
    assert new_version in links
    assert client.get(new_version).status_code == 200


@pytest.mark.parametrize("role", ["instructor", "superuser"])
def test_the_groups_instructor_is_led_to_a_new_version_of_its_paper(group_roles, group_paper, role):
    _, _, cast = group_roles
    client, links = _reading_links(group_paper, cast[role])
    new_version = reverse("upload_new_version", args=[group_paper.slug])
    history = reverse("document_history", args=[group_paper.slug])
    assert new_version in links and history in links
    assert client.get(new_version).status_code == 200
    assert client.get(history).status_code == 200


@pytest.mark.parametrize("role", ["moderator", "member"])
def test_members_read_the_history_of_a_group_paper_but_are_offered_no_new_version(group_roles, group_paper, role):
    _, _, cast = group_roles
    client, links = _reading_links(group_paper, cast[role])
    history = reverse("document_history", args=[group_paper.slug])
    assert history in links and client.get(history).status_code == 200
    assert reverse("upload_new_version", args=[group_paper.slug]) not in links


@pytest.mark.parametrize("role", [None, "outsider", "other_instructor"])
def test_outsiders_find_no_group_paper_to_take_links_from(group_roles, group_paper, role):
    _, _, cast = group_roles
    client = _client(role and cast[role])
    assert client.get(group_paper.get_absolute_url()).status_code == 404
    assert client.get(reverse("document_history", args=[group_paper.slug])).status_code == 404


def test_an_instructor_made_member_is_no_longer_offered_a_new_version(group_roles, group_paper):
    """The page is kept per session: a change of role must show on the next view."""
    group, _, cast = group_roles
    client = _client(cast["instructor"])
    new_version = reverse("upload_new_version", args=[group_paper.slug])
    assert new_version in _links(client.get(group_paper.get_absolute_url()).content.decode())
    Membership.objects.filter(group=group, user=cast["instructor"]).update(role=Role.MEMBER)
    assert new_version not in _links(client.get(group_paper.get_absolute_url()).content.decode())


def test_a_revised_paper_says_which_version_is_shown(library_paper):
    client, _ = _reading_links(library_paper)
    assert "Version 1" not in client.get(library_paper.get_absolute_url()).content.decode()
    publish_new_version(library_paper, REVISED)
    html = client.get(library_paper.get_absolute_url()).content.decode()
    assert "<span>Version 2</span>" in html
    assert reverse("document_history", args=[library_paper.slug]) in _links(html)


@pytest.mark.parametrize("role", ["instructor", "other_instructor", "member"])
def test_who_types_the_new_version_address_of_a_library_paper_is_told_why_not(group_roles, library_paper, role):
    _, _, cast = group_roles
    response = _client(cast[role]).get(reverse("upload_new_version", args=[library_paper.slug]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "only site staff may publish a new version" in html
    # An instructor is shown their own way in: a reading for their group.
    assert (reverse("upload_document") in _links(html)) is (role != "member")


def test_a_member_of_the_group_is_told_who_may_publish_its_new_version(group_roles, group_paper):
    group, _, cast = group_roles
    response = _client(cast["member"]).get(reverse("upload_new_version", args=[group_paper.slug]))
    assert response.status_code == 403
    assert f"published for {group.name} only: its instructors" in response.content.decode()
