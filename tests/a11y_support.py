"""The cast and the page list for the accessibility browser tests (tests/browser/test_accessibility.py,
test_target_size.py, test_keyboard_only.py): enough of everything that each main page shows its
full self (notes, replies, a group with an invitation, a token, an upload, an orphan...)."""

from dataclasses import dataclass
from pathlib import Path

from annotations.models import Annotation, Invitation, Membership, Role, StudyGroup, Visibility
from api.models import ApiToken
from discussions.posting import create_reply
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
