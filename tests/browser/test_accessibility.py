"""axe-core on every main page, signed out and signed in: no WCAG 2.0/2.1/2.2 A or AA violation.

axe-core comes from the `axe-playwright-python` wheel (it ships axe.min.js; pinned in
requirements-dev.txt), so no CDN and no npm step. One browser page visits every URL in turn;
each test reports every violation on every page at once, so one run shows all there is to fix.
"""

import re

import pytest
from axe_playwright_python.base import AXE_SCRIPT

from annotations.models import Annotation, Invitation, Membership, Role, StudyGroup, Visibility
from api.models import ApiToken
from discussions.posting import create_reply
from versions.models import Orphan, Publication, Upload
from versions.moving import publish_new_version

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
READER = "/d/new-industrialization/"


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it stands, limited to the WCAG A and AA rules."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)  # Runtime.evaluate is not subject to the page's CSP
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    return page.evaluate("options => axe.run(document, options).then(r => r.violations)", options)


def describe(url: str, violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{url}: {violation['id']} ({violation['impact']}) {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['failureSummary'].splitlines()[-1].strip()}")
            lines.append(f"        {node['html'][:160]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    ... and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def audit(page, urls) -> str:
    """Visit each URL and return a report of every violation (empty when there is none)."""
    reports = []
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, f"{url} answered {response.status}"
        assert "/accounts/login/" not in page.url or url.startswith("/accounts/login/"), f"{url} asked to log in"
        reports.append(check(page, url))
    return "\n".join(filter(None, reports))


def check(page, label) -> str:
    # htmx fragments fetched on load (the unread count...) are in; not "networkidle", which a
    # page with a live event stream never reaches.
    page.wait_for_load_state("load")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    violations = axe_violations(page)
    return describe(label, violations) if violations else ""


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
    """Enough of everything that each page shows its full self: notes, replies, a group with
    members and an invitation, a token, an upload waiting for review, an orphan, a notification."""
    ines, mia = make_user("ines"), make_user("mia")
    group = StudyGroup.objects.create(name="Thursday Seminar", description="Close reading, week by week.")
    Membership.objects.create(group=group, user=ines, role=Role.INSTRUCTOR)
    Membership.objects.create(group=group, user=mia, role=Role.MEMBER)
    Invitation.objects.create(group=group, created_by=ines)
    # Ines published the paper to the whole library, so she may upload its next version.
    Publication.objects.create(document=seed_document, group=None, published_by=ines)

    paragraphs = list(seed_document.paragraphs.filter(kind="body").order_by("position")[:3])
    first, second, third = paragraphs
    public = Annotation.objects.create(
        paragraph=first, author=mia, body="A **public** note with a [link](https://example.org).",
        visibility=Visibility.PUBLIC,
    )
    public.tags.add("industry", "policy")
    quote = second.text[:40]
    grouped = Annotation.objects.create(
        paragraph=second, author=ines, body="For Thursday: what does this claim assume?", quote=quote,
        start=0, end=len(quote), prefix="", suffix=second.text[40:72], visibility=Visibility.GROUP, group=group,
    )
    grouped.tags.add("question")
    create_reply(mia, grouped, "It assumes the plan comes first.")
    create_reply(ines, public, "Good find.")
    Annotation.objects.create(paragraph=third, author=ines, body="My own reminder.", visibility=Visibility.PRIVATE)
    ApiToken.issue(ines, "Zotero sync")
    Upload.objects.create(
        uploaded_by=ines, source_name="week-two.md", text="# Week two\n\nA short reading for the seminar.\n",
        slug="week-two", group=group,
    )
    return {"ines": ines, "mia": mia, "group": group, "public": public, "grouped": grouped, "document": seed_document}


def test_pages_signed_out_have_no_wcag_violations(page, scene):
    public, document = scene["public"], scene["document"]
    invitation = Invitation.objects.get()
    urls = [
        "/",
        READER,
        f"{READER}search/?q=heavy+industry",
        f"/d/{document.slug}/p/{public.paragraph.anchor}/",
        f"/d/{document.slug}/versions/",
        "/search/?q=industry",
        "/tags/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/password/reset/sent/",
        f"/join/{invitation.token}/",
        f"/threads/{public.pk}/",
    ]
    report = "\n".join(filter(None, [
        audit(page, urls),
        submit_with_errors(page, "/accounts/login/", {"Username": "nobody", "Password": "wrong"}, "Log in"),
        submit_with_errors(
            page, "/accounts/signup/",
            {"Username": "newcomer", "Password": "correct horse battery", "Password confirmation": "other"},
            "Create account",
        ),
    ]))
    assert not report, "axe-core found WCAG A/AA violations:\n" + report


def test_pages_signed_in_have_no_wcag_violations(page, login, scene):
    ines, group, grouped, public = scene["ines"], scene["group"], scene["grouped"], scene["public"]
    login(page, ines)
    # A new version that drops a noted paragraph leaves an orphan to attach again.
    document = scene["document"]
    third = Annotation.objects.get(body="My own reminder.").paragraph
    source = "\n\n".join(p.text for p in document.paragraphs.order_by("position") if p.pk != third.pk)
    publish_new_version(document, source, user=ines)
    orphan = Orphan.objects.get()
    grouped.refresh_from_db()
    public.refresh_from_db()
    upload = Upload.objects.get()

    urls = [
        "/",
        READER,
        f"{READER}search/?q=heavy+industry",
        f"/d/{document.slug}/p/{public.paragraph.anchor}/",
        f"/d/{document.slug}/versions/",
        f"/d/{document.slug}/v/1/",
        f"/d/{document.slug}/new-version/",
        "/documents/upload/",
        f"/uploads/{upload.pk}/",
        "/orphans/",
        f"/orphans/{orphan.pk}/",
        "/search/?q=industry",
        "/search/?q=thursday",
        "/tags/",
        "/accounts/profile/",
        "/accounts/password/change/",
        "/groups/",
        "/groups/new/",
        f"/groups/{group.pk}/",
        f"/groups/{group.pk}/edit/",
        f"/groups/{group.pk}/delete/",
        "/export/",
        "/import/",
        "/api/tokens/",
        f"/threads/{grouped.pk}/",
        f"/d/{document.slug}/p/{grouped.paragraph.anchor}/discussion/",
        f"/groups/{group.pk}/discussion/",
        f"/groups/{group.pk}/moderation/",
        f"/groups/{group.pk}/moderation/log/",
        f"/groups/{group.pk}/discussion/settings/",
        f"/groups/{group.pk}/dashboard/",
        f"/groups/{group.pk}/dashboard/{document.slug}/",
        "/notifications/",
        "/notifications/settings/",
    ]
    report = "\n".join(filter(None, [
        audit(page, urls),
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
    login(page, scene["mia"])
    urls = ["/", READER, "/search/?q=industry", f"/groups/{scene['group'].pk}/", f"/threads/{scene['grouped'].pk}/"]
    report = audit(page, urls)
    assert not report, "axe-core found WCAG A/AA violations:\n" + report
