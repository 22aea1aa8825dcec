"""The cast and the page list for the accessibility browser tests (tests/browser/test_accessibility.py,
test_target_size.py, test_keyboard_only.py): enough of everything that each main page shows its
full self (notes, replies, a group with an invitation, a token, an upload, an orphan...); and
the axe-core audit they share (check)."""

from dataclasses import dataclass
from pathlib import Path

from axe_playwright_python.base import AXE_SCRIPT

from annotations.models import Annotation, Visibility
from api.models import ApiToken
from discussions.posting import create_reply
from groups.models import Invitation, Membership, Role, StudyGroup
from versions.models import Orphan, Publication, Upload
from versions.moving import publish_new_version

READER = "/d/new-industrialization/"
SEED = (Path(__file__).resolve().parent.parent / "fixtures" / "new-industrialization.txt").read_text()
# A sentence the second version rewrites: a note on it cannot be placed and becomes an orphan.
OLD_SENTENCE = "Participation by all its people is required to achieve Chinese modernization and share the benefits."
NEW_SENTENCE = "Everyone must take part in it, and everyone must gain from it."


@dataclass
class Scene:
    document: object
    instructor: object  # ines: instructor of the group, publisher of the paper
    member: object  # mia
    group: object
    public: Annotation  # mia's public note, with a reply by ines
    grouped: Annotation  # ines' group note on a passage, with a reply by mia
    invitation: Invitation
    upload: Upload
    orphan: Orphan | None = None

    def add_orphan(self):
        """Publish a second version that rewrites the sentence of ines' private note: it becomes an orphan."""
        publish_new_version(self.document, SEED.replace(OLD_SENTENCE, NEW_SENTENCE), user=self.instructor)
        self.orphan = Orphan.objects.get()
        self.public.refresh_from_db()
        self.grouped.refresh_from_db()
        return self.orphan


def build_scene(document, make_user) -> Scene:
    ines, mia = make_user("ines"), make_user("mia")
    group = StudyGroup.objects.create(name="Thursday Seminar", description="Close reading, week by week.")
    Membership.objects.create(group=group, user=ines, role=Role.INSTRUCTOR)
    Membership.objects.create(group=group, user=mia, role=Role.MEMBER)
    invitation = Invitation.objects.create(group=group, created_by=ines)
    # Ines published the paper to the whole library, so she may upload its next version.
    Publication.objects.create(document=document, group=None, published_by=ines)

    first, second = document.paragraphs.filter(kind="body").order_by("position")[:2]
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
    rewritten = document.paragraphs.get(text__contains=OLD_SENTENCE)
    start = rewritten.text.index(OLD_SENTENCE)
    Annotation.objects.create(
        paragraph=rewritten, author=ines, body="My own reminder: who counts as all?", quote=OLD_SENTENCE,
        start=start, end=start + len(OLD_SENTENCE), prefix=rewritten.text[max(0, start - 32) : start],
        suffix=rewritten.text[start + len(OLD_SENTENCE) :][:32], visibility=Visibility.PRIVATE,
    )
    ApiToken.issue(ines, "Zotero sync")
    upload = Upload.objects.create(
        uploaded_by=ines, source_name="week-two.md", text="# Week two\n\nA short reading for the seminar.\n",
        slug="week-two", group=group,
    )
    return Scene(document, ines, mia, group, public, grouped, invitation, upload)


def signed_out_urls(scene: Scene) -> list[str]:
    slug = scene.document.slug
    return [
        "/",
        READER,
        f"{READER}search/?q=heavy+industry",
        f"/d/{slug}/p/{scene.public.paragraph.anchor}/",
        f"/d/{slug}/versions/",
        "/search/?q=industry",
        "/tags/",
        "/tags/industry/",
        f"/people/{scene.member.username}/",
        f"/annotations/{scene.public.pk}/",
        f"/threads/{scene.public.pk}/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/password/reset/sent/",
        f"/join/{scene.invitation.token}/",
    ]


def signed_in_urls(scene: Scene) -> list[str]:
    """As the instructor, after `scene.add_orphan()`."""
    slug, group, grouped = scene.document.slug, scene.group.pk, scene.grouped
    return [
        "/",
        READER,
        f"{READER}search/?q=heavy+industry",
        f"/d/{slug}/p/{grouped.paragraph.anchor}/",
        f"/d/{slug}/p/{grouped.paragraph.anchor}/annotate/",
        f"/annotations/{grouped.pk}/",
        f"/annotations/{grouped.pk}/edit/",
        f"/d/{slug}/versions/",
        f"/d/{slug}/v/1/",
        f"/d/{slug}/new-version/",
        "/documents/upload/",
        f"/uploads/{scene.upload.pk}/",
        "/orphans/",
        f"/orphans/{scene.orphan.pk}/",
        "/search/?q=industry",
        "/search/?q=thursday",
        "/tags/",
        "/tags/question/",
        f"/people/{scene.instructor.username}/",
        "/accounts/profile/",
        "/accounts/password/change/",
        "/groups/",
        "/groups/new/",
        f"/groups/{group}/",
        f"/groups/{group}/edit/",
        f"/groups/{group}/delete/",
        "/export/",
        "/import/",
        "/api/tokens/",
        f"/threads/{grouped.pk}/",
        f"/d/{slug}/p/{grouped.paragraph.anchor}/discussion/",
        f"/groups/{group}/discussion/",
        f"/groups/{group}/moderation/",
        f"/groups/{group}/moderation/log/",
        f"/groups/{group}/discussion/settings/",
        f"/groups/{group}/dashboard/",
        f"/groups/{group}/dashboard/{slug}/",
        "/notifications/",
        "/notifications/settings/",
    ]


# --- The audit ---------------------------------------------------------------------------

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


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
