"""axe-core on every main page, signed out and signed in: no WCAG 2.0/2.1/2.2 A or AA violation.

axe-core comes from the `axe-playwright-python` wheel (it ships axe.min.js; pinned in
requirements-dev.txt), so no CDN and no npm step. One browser page visits every URL in turn;
each test reports every violation on every page at once, so one run shows all there is to fix.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.a11y_support import READER, audit, build_scene, check, signed_in_urls, signed_out_urls

pytestmark = pytest.mark.browser

def submit_with_errors(page, url, fields: dict, button: str) -> str:
    """Fill a form with wrong answers and audit the page that says what is wrong: error
    messages must be announced and tied to their fields as well as the form itself."""
    page.goto(url)
    for label, value in fields.items():
        page.get_by_label(re.compile(rf"^{re.escape(label)}:?$")).fill(value)
    page.locator("main").get_by_role("button", name=button).click()
    page.wait_for_load_state()
    assert page.locator(".errorlist, .form-errors").count(), f"{url}: the form was accepted ({page.url})"
    return check(page, f"{url} (with errors)")


@pytest.fixture
def scene(seed_document, make_user):
    return build_scene(seed_document, make_user)


def test_pages_signed_out_have_no_wcag_violations(page, scene):
    report = "\n".join(filter(None, [
        audit(page, signed_out_urls(scene)),
        submit_with_errors(page, "/accounts/login/", {"Username": "nobody", "Password": "wrong"}, "Log in"),
        submit_with_errors(
            page, "/accounts/signup/",
            {"Username": "newcomer", "Password": "correct horse battery", "Password confirmation": "other"},
            "Create account",
        ),
    ]))
    assert not report, "axe-core found WCAG A/AA violations:\n" + report


def test_pages_signed_in_have_no_wcag_violations(page, login, scene):
    login(page, scene.instructor)
    scene.add_orphan()
    report = "\n".join(filter(None, [
        audit(page, signed_in_urls(scene)),
        submit_with_errors(page, "/groups/new/", {"Name": " "}, "Create group"),
        submit_with_errors(
            page, "/accounts/password/change/",
            {"Old password": "wrong", "New password": "correct horse battery 2",
             "New password confirmation": "correct horse battery 2"},
            "Change password",
        ),
    ]))
    assert not report, "axe-core found WCAG A/AA violations:\n" + report


def test_reading_pages_on_a_phone_have_no_wcag_violations(new_context, login, scene):
    """The phone layout moves the margin and the permalinks: target sizes change with it."""
    page = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    login(page, scene.member)
    urls = ["/", READER, "/search/?q=industry", f"/groups/{scene.group.pk}/", f"/threads/{scene.grouped.pk}/"]
    report = audit(page, urls)
    assert not report, "axe-core found WCAG A/AA violations:\n" + report


def test_the_reader_with_its_forms_and_drawers_open_has_no_wcag_violations(new_context, login, scene):
    """States that only scripts reach: the annotation form in the margin (with an error), a
    passage selected, the in-paper search results, and on a phone a margin drawer opened."""
    anchor = scene.grouped.paragraph.anchor
    desktop = new_context().new_page()
    login(desktop, scene.member)
    desktop.goto(READER)
    desktop.get_by_role("searchbox", name="Search this paper").fill("heavy industry")
    desktop.get_by_role("button", name="Search", exact=True).click()
    desktop.locator(".paper-hits a").first.wait_for()
    reports = [check(desktop, "reader with in-paper search results")]

    desktop.locator(f"#p-{anchor}").get_by_role("link", name="Annotate this paragraph").click()
    form = desktop.locator(f"#p-{anchor} [data-annotation-form]")
    form.get_by_label("Link to").fill("not a link")
    form.get_by_role("button", name="Save").click()
    expect(form.locator("[aria-invalid=true]").first).to_be_visible()
    reports.append(check(desktop, "reader with the annotation form open, with an error"))

    phone = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    login(phone, scene.member)
    phone.goto(READER)
    toggle = phone.locator(f"#p-{anchor} .margin-toggle")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    reports.append(check(phone, "reader on a phone with a margin drawer open"))

    report = "\n".join(filter(None, reports))
    assert not report, "axe-core found WCAG A/AA violations:\n" + report
