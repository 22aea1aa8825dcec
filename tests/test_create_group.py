"""Creating a group: anyone signed in, who becomes its instructor."""

import pytest
from django.urls import reverse

from groups.models import Role, StudyGroup

pytestmark = pytest.mark.django_db


def test_the_creator_becomes_the_instructor(client, make_user):
    ada = make_user("ada")
    client.force_login(ada)
    response = client.post(reverse("group_create"), {"name": "Reading Marx", "description": "Tuesdays"})
    group = StudyGroup.objects.get(name="Reading Marx")
    assert response.status_code == 302 and response["Location"] == group.get_absolute_url()
    assert group.description == "Tuesdays" and group.created_by == ada
    assert [(m.user, m.role) for m in group.memberships.all()] == [(ada, Role.INSTRUCTOR)]
    page = client.get(response["Location"]).content.decode()
    assert "Reading Marx" in page and "is ready" in page


def test_a_name_is_required_and_the_description_is_kept(client, make_user):
    client.force_login(make_user("ada"))
    response = client.post(reverse("group_create"), {"name": "  ", "description": "Tuesdays at five"})
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert "Tuesdays at five" in response.content.decode()
    assert not StudyGroup.objects.exists()


def test_the_form_page_has_labels(client, make_user):
    client.force_login(make_user("ada"))
    html = client.get(reverse("group_create")).content.decode()
    assert 'for="id_name"' in html and 'for="id_description"' in html


def test_anonymous_people_are_sent_to_log_in(client):
    response = client.post(reverse("group_create"), {"name": "X"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not StudyGroup.objects.exists()
