"""One write path: the same input through the page's form and through the API has the same
outcome, the same annotation saved or the same messages refused with (annotations.editing,
discussions.posting). Each case is one where the two used to disagree."""

from dataclasses import dataclass, field
from html import escape
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from annotations.models import Annotation, Visibility
from discussions.models import Curation
from groups.models import Membership
from reader.models import Document, Paragraph
from tests.api_support import ApiClient
from tests.discussions_support import settings_for
from versions.models import Publication


@pytest.fixture
def w(document, group_roles):
    """Mia, a member of the seminar, reading the short paper (with a paragraph whose stored
    text has Markdown in it), a library paper and a paper only the other seminar may read."""
    group, other, cast = group_roles
    marked = Paragraph.objects.create(
        document=document, position=5, kind="body", anchor="pm", content_hash="pm",
        text="The *new* policy and the *new* plan.",  # shown: "The new policy and the new plan."
    )
    library = Document.objects.create(title="Another Paper", slug="another-paper")
    far = Paragraph.objects.create(document=library, position=0, kind="body", text="A distant paragraph.",
                                   anchor="far", content_hash="far")
    secret = Document.objects.create(title="Seminar Reader", slug="secret-paper")
    Publication.objects.create(document=secret, group=other)
    hidden = Paragraph.objects.create(document=secret, position=0, kind="body", text="For the other seminar.",
                                      anchor="sec", content_hash="sec")
    mia = cast["member"]
    form = Client()
    form.force_login(mia)
    return SimpleNamespace(document=document, group=group, other=other, cast=cast, mia=mia, marked=marked,
                           far=far, hidden=hidden, form=form, api=ApiClient(mia))


def snapshot(a) -> dict:
    """What a person would notice of a saved annotation."""
    return {
        "body": a.body, "quote": a.quote, "start": a.start, "end": a.end,
        "tags": sorted(t.name for t in a.tags.all()),
        "links": sorted((link.relation, link.target_id, link.url) for link in a.links.all()),
        "visibility": a.visibility, "group": a.group_id,
        "anonymous": Curation.objects.filter(annotation=a, is_anonymous=True).exists(),
    }


def form_messages(response, form_name="form") -> set[str]:
    form = response.context[form_name]
    return {message for messages in form.errors.values() for message in messages}


def api_messages(response) -> set[str]:
    return {error["msg"] for error in response.json()["detail"]}


@dataclass
class Case:
    name: str
    form: object  # w -> the form's POST data
    api: object  # w -> the API's JSON body
    saved: object = None  # w -> what the saved annotation has (part of its snapshot)
    refused: str = ""  # the one message both give
    on: str = "p2"  # the paragraph written on (its anchor)
    extra: dict = field(default_factory=dict)


def _refused_alike(form_response, api_response, message, form_name="form"):
    assert form_response.status_code == 422, form_response.content[:300]
    assert api_response.status_code == 422, api_response.content
    assert form_messages(form_response, form_name) == api_messages(api_response) == {message}
    assert escape(message) in form_response.text  # shown on the page, beside what was typed


# --- Creating ------------------------------------------------------------------------------

CREATE_CASES = [
    # A link may go to any paragraph one may read, in any paper (the API allowed the same paper only).
    Case("link to a paragraph of another paper",
         form=lambda w: {"link": "/d/another-paper/#p-far", "relation": "supports"},
         api=lambda w: {"links": [{"target": w.far.pk, "relation": "supports"}]},
         saved=lambda w: {"links": [("supports", w.far.pk, "")]}),
    Case("link by a paragraph's address",
         form=lambda w: {"link": "http://testserver/d/another-paper/#p-far"},
         api=lambda w: {"links": [{"url": "http://testserver/d/another-paper/#p-far"}]},
         saved=lambda w: {"links": [("see also", w.far.pk, "")]}),
    Case("link to a paragraph one may not read",
         form=lambda w: {"body": "x", "link": "/d/secret-paper/#p-sec"},
         api=lambda w: {"body": "x", "links": [{"url": "/d/secret-paper/#p-sec"}]},
         refused="There is no paragraph there that you can read."),
    Case("link to a script",
         form=lambda w: {"body": "x", "link": "javascript:alert(1)"},
         api=lambda w: {"body": "x", "links": [{"url": "javascript:alert(1)"}]},
         refused="Only web addresses starting with http:// or https:// can be linked."),
    # Offsets count the text as shown (the API counted the stored text, asterisks and all).
    Case("a selection's offsets and quote", on="pm",
         form=lambda w: {"quote": "policy", "start": 8, "end": 14},
         api=lambda w: {"quote": "policy", "start": 8, "end": 14},
         saved=lambda w: {"quote": "policy", "start": 10, "end": 16}),
    Case("offsets without a quote", on="pm",
         form=lambda w: {"start": 4, "end": 14},
         api=lambda w: {"start": 4, "end": 14},
         saved=lambda w: {"quote": "new* policy", "start": 5, "end": 16}),
    Case("a quote that is not at its offsets", on="pm",
         form=lambda w: {"quote": "policy", "start": 0, "end": 3},
         api=lambda w: {"quote": "policy", "start": 0, "end": 3},
         refused="The passage does not match the paragraph's text. Select it again."),
    Case("a quote typed as shown", on="pm",
         form=lambda w: {"quote": "new plan"},
         api=lambda w: {"quote": "new plan"},
         saved=lambda w: {"quote": "new* plan", "start": 26, "end": 35}),
    Case("a start without an end",
         form=lambda w: {"body": "x", "start": 3},
         api=lambda w: {"body": "x", "start": 3},
         refused="Give both start and end, or neither."),
    # Tags and relations are cleaned alike (the API kept them as sent).
    Case("tags differing only in case and spaces",
         form=lambda w: {"tags": "Green, green, Green   Energy"},
         api=lambda w: {"tags": ["Green", "green", "Green   Energy"]},
         saved=lambda w: {"tags": ["Green", "Green Energy"]}),
    Case("a tag over the length limit",
         form=lambda w: {"tags": "x" * 60},
         api=lambda w: {"tags": ["x" * 60]},
         refused=f"“{'x' * 20}…” is too long: a tag has at most 50 characters."),
    Case("a relation in capitals",
         form=lambda w: {"link": "https://example.org/", "relation": "Qualifies"},
         api=lambda w: {"links": [{"url": "https://example.org/", "relation": "Qualifies"}]},
         saved=lambda w: {"links": [("qualifies", None, "https://example.org/")]}),
    Case("a relation that is not a word",
         form=lambda w: {"link": "https://example.org/", "relation": "<b>"},
         api=lambda w: {"links": [{"url": "https://example.org/", "relation": "<b>"}]},
         refused="A relation is a word or a few: letters, digits, spaces and hyphens."),
    # The same words for the same problems.
    Case("nothing but spaces",
         form=lambda w: {"body": "   "},
         api=lambda w: {"body": "   "},
         refused="Write a note, add a tag or a link, or choose a passage to highlight."),
    Case("a group one is not in",
         form=lambda w: {"body": "x", "visibility": f"group-{w.other.pk}"},
         api=lambda w: {"body": "x", "visibility": "group", "group": w.other.pk},
         refused="No such group."),
]


@pytest.mark.parametrize("case", CREATE_CASES, ids=lambda c: c.name)
def test_creating_through_the_form_and_the_api_ends_alike(w, case):
    paragraph = w.document.paragraphs.get(anchor=case.on)
    form_response = w.form.post(
        reverse("annotation_new", args=[w.document.slug, case.on]), {"visibility": "private", **case.form(w)}
    )
    api_response = w.api.post("/api/annotations", {"paragraph": paragraph.pk, **case.api(w)})
    made = list(Annotation.objects.filter(author=w.mia).order_by("pk"))
    if case.refused:
        _refused_alike(form_response, api_response, case.refused)
        assert made == []  # nothing half-written
        return
    assert form_response.status_code == 302, form_response.content[:500]
    assert api_response.status_code == 201, api_response.content
    by_form, by_api = made
    assert snapshot(by_form) == snapshot(by_api)
    assert case.saved(w).items() <= snapshot(by_form).items()


# --- Editing -------------------------------------------------------------------------------


def _group_note(w, **extra):
    return Annotation.objects.create(paragraph=w.document.paragraphs.get(anchor="p3"), author=w.mia,
                                     body="On energy", visibility=Visibility.GROUP, group=w.group, **extra)


EDIT_CASES = [
    Case("a reply moved to another audience",
         form=lambda w: {"body": "On energy", "visibility": "public"},
         api=lambda w: {"visibility": "public"},
         refused="A reply is shared with whoever sees the note it answers.",
         extra={"make": lambda w: _group_note(w, parent=_group_note(w))}),
    Case("removing the last thing it said",
         form=lambda w: {"body": "", "tags": "", "visibility": f"group-{w.group.pk}"},
         api=lambda w: {"body": ""},
         refused="Write a note, add a tag or a link, or choose a passage to highlight."),
    Case("editing a note in a group its author has left",
         form=lambda w: {"body": "Still on energy", "visibility": f"group-{w.group.pk}"},
         api=lambda w: {"body": "Still on energy"},
         saved=lambda w: {"body": "Still on energy", "visibility": "group", "group": w.group.pk},
         extra={"leave": True}),
    Case("adding a link to another paper",
         form=lambda w: {"body": "On energy", "visibility": f"group-{w.group.pk}", "link": "/d/another-paper/#p-far"},
         api=lambda w: {"links": [{"target": w.far.pk}]},
         saved=lambda w: {"links": [("see also", w.far.pk, "")]}),
]


@pytest.mark.parametrize("case", EDIT_CASES, ids=lambda c: c.name)
def test_editing_through_the_form_and_the_api_ends_alike(w, case):
    make = case.extra.get("make", _group_note)
    by_form, by_api = make(w), make(w)
    if case.extra.get("leave"):
        Membership.objects.filter(user=w.mia, group=w.group).delete()
    form_response = w.form.post(reverse("annotation_edit", args=[by_form.pk]), {"version": 1, **case.form(w)})
    api_response = w.api.patch(f"/api/annotations/{by_api.pk}", case.api(w))
    for a in (by_form, by_api):
        a.refresh_from_db()
    if case.refused:
        _refused_alike(form_response, api_response, case.refused)
        assert by_form.version == by_api.version == 1  # unchanged
        return
    assert form_response.status_code == 302, form_response.content[:500]
    assert api_response.status_code == 200, api_response.content
    assert snapshot(by_form) == snapshot(by_api)
    assert case.saved(w).items() <= snapshot(by_form).items()


# --- Replying ------------------------------------------------------------------------------

REPLY_CASES = [
    # The bug report: an anonymous reply saved in a group whose settings forbid anonymity.
    Case("anonymous where the group forbids it",
         form=lambda w: {"body": "Quietly", "anonymous": "on"},
         api=lambda w: {"body": "Quietly", "anonymous": True},
         refused="This group does not allow anonymous posts."),
    Case("anonymous where the group allows it",
         form=lambda w: {"body": "Quietly", "anonymous": "on"},
         api=lambda w: {"body": "Quietly", "anonymous": True},
         saved=lambda w: {"body": "Quietly", "anonymous": True},
         extra={"allow_anonymous": True}),
    Case("a reply as long as a note may be",
         form=lambda w: {"body": "word " * 3000},
         api=lambda w: {"body": "word " * 3000},
         saved=lambda w: {"body": "word " * 3000}),
]


@pytest.mark.parametrize("case", REPLY_CASES, ids=lambda c: c.name)
def test_replying_through_the_form_and_the_api_ends_alike(w, case):
    parent = Annotation.objects.create(paragraph=w.document.paragraphs.get(anchor="p3"), author=w.cast["instructor"],
                                       body="What do you think?", visibility=Visibility.GROUP, group=w.group)
    settings_for(w.group, allow_anonymous=case.extra.get("allow_anonymous", False))
    form_response = w.form.post(reverse("thread_reply", args=[parent.pk]), case.form(w))
    api_response = w.api.post(f"/api/annotations/{parent.pk}/replies", case.api(w))
    made = list(Annotation.objects.filter(parent=parent).order_by("pk"))
    if case.refused:
        _refused_alike(form_response, api_response, case.refused, form_name="reply_form")
        assert "Quietly</textarea>" in form_response.text  # what was typed is kept
        assert made == []
        return
    assert form_response.status_code == 302, form_response.content[:500]
    assert api_response.status_code == 201, api_response.content
    by_form, by_api = made
    assert snapshot(by_form) == snapshot(by_api)
    assert case.saved(w).items() <= snapshot(by_form).items()


def test_an_api_client_chooses_a_passage_in_the_text_the_api_shows(w):
    """The paragraph's shown text is served, so a client can count offsets as a reader selects."""
    shown = w.api.get(f"/api/paragraphs/{w.marked.pk}").json()["shown_text"]
    assert shown == "The new policy and the new plan."
    start = shown.index("policy")
    response = w.api.post("/api/annotations", {"paragraph": w.marked.pk, "start": start, "end": start + len("policy")})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["quote"] == "policy" and w.marked.text[data["start"]:data["end"]] == "policy"


def test_a_replys_edit_form_offers_only_the_audience_it_has(w):
    parent = _group_note(w)
    reply = _group_note(w, parent=parent)
    html = w.form.get(reverse("annotation_edit", args=[reply.pk])).text
    assert f'value="group-{w.group.pk}" selected' in html
    assert 'value="public"' not in html and 'value="private"' not in html
