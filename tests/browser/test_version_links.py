"""A #p- link to a paragraph the current version no longer has by that anchor follows it."""

import re

import pytest
from playwright.sync_api import expect

from reader.importing import import_document
from reader.models import Document
from versions.moving import publish_new_version

pytestmark = pytest.mark.browser

V1 = "A Title\n\n1. Intro\n\nFirst piece on rivers and their floods.\n\nSecond piece on bridges and their arches.\n"
V2 = "A Title\n\n1. Intro\n\nFirst piece on rivers and their floods. Second piece on bridges and their arches.\n"


def test_a_link_to_a_merged_paragraph_lands_on_the_merge(page, live_server):
    v1, _ = import_document(V1, "small")
    publish_new_version(v1, V2)
    second = Document.objects.get(slug="small--v1").paragraphs.get(text__startswith="Second").anchor
    merged = Document.objects.get(slug="small").paragraphs.get(kind="body").anchor
    page.goto(f"/d/small/#p-{second}")
    expect(page).to_have_url(re.compile(rf"/d/small/#p-{merged}$"))
    expect(page.locator(f"#p-{merged}")).to_contain_text("Second piece on bridges")
