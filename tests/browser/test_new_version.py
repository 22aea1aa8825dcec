"""An instructor uploads a corrected version of the paper; a reader finds their note on the
corrected paragraph and attaches the one note the correction orphaned."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation, Visibility
from groups.models import Membership, Role, StudyGroup
from reader.importing import import_document
from versions.models import Orphan, Publication

pytestmark = pytest.mark.browser  # live_server makes it transactional

SEED = (Path(__file__).resolve().parent.parent.parent / "fixtures" / "new-industrialization.txt").read_text()
FIXED = "This paradigm dictates that the economic foundation shapes the superstructure."
TYPO = FIXED.replace("foundation", "foundaton")
OLD_SENTENCE = "Participation by all its people is required to achieve Chinese modernization and share the benefits."
NEW_SENTENCE = "Everyone must take part in it, and everyone must gain from it."


def _passage(paragraph, author, group, quote, body):
    start = paragraph.text.index(quote)
    end = start + len(quote)
    return Annotation.objects.create(
        paragraph=paragraph, author=author, body=body, quote=quote, start=start, end=end,
        prefix=paragraph.text[max(0, start - 32) : start], suffix=paragraph.text[end : end + 32],
        visibility=Visibility.GROUP, group=group,
    )


def test_instructor_publishes_a_correction_and_a_reader_repairs_an_orphan(new_context, login, make_user, tmp_path):
    instructor, reader = make_user("ines"), make_user("mia")
    group = StudyGroup.objects.create(name="Thursday Seminar")
    Membership.objects.create(group=group, user=instructor, role=Role.INSTRUCTOR)
    Membership.objects.create(group=group, user=reader, role=Role.MEMBER)
    v1, _ = import_document(SEED.replace(FIXED, TYPO), "new-industrialization")
    Publication.objects.create(document=v1, group=group, published_by=instructor)
    typo_paragraph = v1.paragraphs.get(text__contains=TYPO)
    kept = _passage(typo_paragraph, reader, group, TYPO, "Base and superstructure, as in Marx.")
    lost = _passage(v1.paragraphs.get(text__contains=OLD_SENTENCE), reader, group, OLD_SENTENCE, "Who counts as all?")

    corrected = tmp_path / "new-industrialization-corrected.md"
    corrected.write_text(SEED.replace(OLD_SENTENCE, NEW_SENTENCE))

    # The instructor uploads the corrected text, reads the preview, and publishes.
    teacher = new_context().new_page()
    login(teacher, instructor)
    teacher.goto("/d/new-industrialization/versions/")
    teacher.get_by_role("link", name="Upload a new version").click()
    teacher.get_by_label("Corrected file").set_input_files(str(corrected))
    teacher.get_by_role("button", name="Compare").click()
    expect(teacher.get_by_role("heading", name="Compared with version 1")).to_be_visible()
    expect(teacher.locator("main")).to_contain_text("1 re-anchored on the changed text")
    expect(teacher.locator("main")).to_contain_text("1 to be attached again by hand")
    teacher.get_by_role("button", name="Publish version 2").click()
    expect(teacher.locator(".messages")).to_contain_text("Version 2 is published: 0 annotations kept, 1 re-anchored, 1 orphaned.")

    # The reader's note sits on the corrected words of the corrected paragraph.
    kept.refresh_from_db()
    assert kept.quote == FIXED and kept.paragraph.document.version == 2
    reading = new_context().new_page()
    login(reading, reader)
    reading.goto(f"/d/new-industrialization/p/{kept.paragraph.anchor}/")
    expect(reading.locator(f"#p-{kept.paragraph.anchor}")).to_contain_text(FIXED)

    # The history shows the correction word by word.
    reading.goto("/d/new-industrialization/versions/")
    expect(reading.locator(".change-edited del").first).to_be_visible()
    expect(reading.locator("main")).to_contain_text("2 changes")

    # The orphan: the reader finds it, sees the old sentence, and attaches it in one click.
    reading.goto("/orphans/")
    expect(reading.locator(".orphan-card")).to_have_count(1)
    expect(reading.locator(".orphan-card")).to_contain_text("Who counts as all?")
    reading.get_by_role("link", name="Attach it again").click()
    expect(reading.locator(".old-paragraph mark")).to_have_text(OLD_SENTENCE)
    expect(reading.locator(".candidate").first.locator("ins").first).to_be_visible()
    reading.locator(".candidate").first.get_by_role("button", name="Attach to this whole paragraph").click()
    expect(reading.locator(".messages")).to_contain_text("attached to the current version again")

    lost.refresh_from_db()
    assert NEW_SENTENCE in lost.paragraph.text and lost.paragraph.document.version == 2
    assert reading.url.endswith(f"/d/new-industrialization/#p-{lost.paragraph.anchor}")
    assert not Orphan.objects.open().exists()
    reading.goto("/orphans/")
    expect(reading.locator("main")).to_contain_text("Nothing waits to be attached again.")
