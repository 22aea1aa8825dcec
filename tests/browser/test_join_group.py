"""A person signs up, creates a group and copies its invite link; a second person, in
another browser context (no shared cookies), opens the link, signs up and joins."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from groups.models import Membership, Role

pytestmark = pytest.mark.browser  # live_server makes it transactional

PASSWORD = "a long and quiet evening"


def _sign_up(page, username, display_name, from_current_page=False):
    if not from_current_page:
        page.goto("/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.org")
    page.get_by_label("Display name").fill(display_name)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    # The live server runs in this process: its mail is in Django's test outbox.
    link = re.search(r"(/accounts/activate/\S+)", mail.outbox[-1].body).group(1)
    page.goto(link)


def test_an_invite_link_brings_a_second_person_into_the_group(new_context, live_server):
    page = new_context(permissions=["clipboard-read", "clipboard-write"]).new_page()
    _sign_up(page, "ines", "Ines Ironwood")
    page.get_by_role("link", name="Groups").click()
    page.get_by_role("link", name="Create a group").click()
    page.get_by_label("Name").fill("Thursday Seminar")
    page.get_by_label("Description").fill("One paper a week.")
    page.get_by_role("button", name="Create group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thursday Seminar")

    page.get_by_label("Maximum uses").fill("5")
    page.get_by_role("button", name="Create invite link").click()
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    link = page.evaluate("navigator.clipboard.readText()")
    assert link.startswith(f"{live_server.url}/join/")

    # Another person: a separate context shares no cookies with the first.
    other = new_context().new_page()
    other.goto(link)
    expect(other.get_by_role("heading", level=1)).to_have_text("Thursday Seminar")
    other.get_by_role("link", name="Sign up to join").click()
    _sign_up(other, "mia", "Mia Marchbank", from_current_page=True)
    # Signing up returns to the invitation, which now offers to join.
    other.get_by_role("button", name="Join “Thursday Seminar”").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Thursday Seminar")
    expect(other.get_by_text("Welcome to “Thursday Seminar”")).to_be_visible()
    expect(other.locator(".member-table")).to_contain_text("Ines Ironwood")
    expect(other.locator(".member-table")).to_contain_text("Mia Marchbank")

    # The instructor sees the newcomer, and the link's use counted.
    page.reload()
    expect(page.locator(".member-table")).to_contain_text("Mia Marchbank")
    expect(page.locator(".invitation")).to_contain_text("1 of 5 uses")
    assert Membership.objects.get(user__username="mia", group__name="Thursday Seminar").role == Role.MEMBER
