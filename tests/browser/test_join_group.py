"""A person signs up, creates a group and copies its invite link; a second person, in
another browser context (no shared cookies), opens the link, signs up and joins."""

import pytest
from playwright.sync_api import expect

from annotations.models import Membership, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long and quiet evening"


def _sign_up(page, base_url, username, display_name, start=None):
    if start is None:
        page.goto(f"{base_url}/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.org")
    page.get_by_label("Display name").fill(display_name)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()


def test_an_invite_link_brings_a_second_person_into_the_group(browser, live_server):
    base_url = live_server.url
    host = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    guest = browser.new_context()
    try:
        page = host.new_page()
        _sign_up(page, base_url, "ines", "Ines Ironwood")
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
        assert link.startswith(f"{base_url}/join/")

        other = guest.new_page()
        other.goto(link)
        expect(other.get_by_role("heading", level=1)).to_have_text("Thursday Seminar")
        other.get_by_role("link", name="Sign up to join").click()
        _sign_up(other, base_url, "mia", "Mia Marchbank", start="here")
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
    finally:
        host.close()
        guest.close()
    assert Membership.objects.get(user__username="mia", group__name="Thursday Seminar").role == Role.MEMBER
