"""What people are told happened, asserted as the other person sees it: times ("just now",
not "0 minutes ago"); a student in a group that hides notes until one has posted is told how
many classmates' notes wait and that posting reveals them; the author of a note a moderator
hides sees it marked hidden, with the reason, and is notified (and again when it is restored);
a new note starts from the person's last choice of audience, shown beside Save; a note on the
text may be anonymous to classmates where the group allows it, and no classmate sees the name."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from annotations.models import Annotation, Visibility
from annotations.permissions import ANONYMOUS_AUTHOR, visible_annotations, withheld_annotations
from discussions.models import Notification, NotificationPreference
from discussions.notifications import send_pending_emails
from groups.models import Membership, Role
from groups.roles import forget_roles
from tests.api_support import ApiClient
from tests.discussions_support import client_for, note, prompt, settings_for


def test_a_classmate_sees_a_note_just_posted_as_just_now(seminar):
    group, cast, paragraph = seminar
    fresh = note(cast["member"], paragraph, "Fresh thought", group=group)
    old = note(cast["member"], paragraph, "Older thought", group=group)
    Annotation.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(minutes=5))
    client = client_for(cast["moderator"])
    for url in (reverse("document", args=[paragraph.document.slug]), reverse("annotation", args=[fresh.pk])):
        html = client.get(url).text
        assert "just now</time>" in html, url
        assert "0\xa0minutes ago" not in html and "0 minutes ago" not in html, url
    assert "5\xa0minutes ago</time>" in client.get(reverse("document", args=[paragraph.document.slug])).text


# --- Hide until posted: the student is told notes wait, and how many --------------------------


def test_a_student_who_has_not_posted_sees_how_many_classmates_notes_wait(seminar, group_roles, django_assert_max_num_queries):
    group, cast, paragraph = seminar
    _, other, _ = group_roles
    settings_for(group, hide_until_posted=True)
    note(cast["moderator"], paragraph, "Waiting one", group=group)
    waiting = note(cast["instructor"], paragraph, "Waiting two", group=group)
    note(cast["moderator"], None, "A reply: not a note of the margin", parent=waiting)
    # None of these would show after posting, so none is counted (nor hinted at).
    note(cast["moderator"], paragraph, "Hidden by a moderator", group=group, hidden_at=timezone.now())
    note(cast["moderator"], paragraph, "Deleted", group=group, deleted_at=timezone.now())
    note(cast["moderator"], paragraph, "Private", visibility=Visibility.PRIVATE)
    note(cast["other_instructor"], paragraph, "Another group's", group=other)
    prompt(cast["instructor"], paragraph, group, "A prompt shows anyway.")
    url = reverse("document", args=[paragraph.document.slug])
    student = client_for(cast["member"])

    html = student.get(url).text
    margin = _margin(html, paragraph.anchor)
    assert "2 classmates' notes — post yours to see them" in margin
    assert "Waiting one" not in html and "A prompt shows anyway." in margin
    heat = re.search(rf'<li class="heat-cell[^"]*" data-anchor="{paragraph.anchor}".*?</li>', html, re.S).group(0)
    assert "title=\"¶ 3: 1 note; 2 classmates' notes — post yours to see them\"" in heat

    # One waiting note reads in the singular; the moderator (who sees all) is told nothing.
    Annotation.objects.filter(body="Waiting one").update(deleted_at=timezone.now())
    assert "1 classmate's note — post yours to see it" in _margin(student.get(url).text, paragraph.anchor)
    assert "post yours" not in client_for(cast["moderator"]).get(url).text

    # Posting to the group reveals them, and the message goes.
    note(cast["member"], paragraph, "My own reading", group=group)
    html = student.get(url).text
    assert "Waiting two" in html and "post yours" not in html


def test_a_batch_of_margins_says_so_too(seminar):
    group, cast, paragraph = seminar
    settings_for(group, hide_until_posted=True)
    note(cast["moderator"], paragraph, "Waiting", group=group)
    url = reverse("paragraph_margin", args=[paragraph.document.slug, paragraph.anchor])
    assert "1 classmate's note — post yours to see it" in client_for(cast["member"]).get(url).text


def _margin(html, anchor):
    match = re.search(rf'<div class="margin-notes[^"]*" id="m-{anchor}".*?<div class="margin-form-slot', html, re.S)
    assert match, f"no margin for {anchor}"
    return match.group(0)


def test_what_is_counted_as_waiting_is_exactly_what_posting_reveals(seminar, group_roles):
    group, cast, paragraph = seminar
    _, other, _ = group_roles
    settings_for(group, hide_until_posted=True)
    for author in ("moderator", "instructor"):
        note(cast[author], paragraph, "Group note", group=group)
        note(cast[author], paragraph, "Hidden", group=group, hidden_at=timezone.now())
        note(cast[author], paragraph, "Public", visibility=Visibility.PUBLIC)
    note(cast["other_instructor"], paragraph, "Elsewhere", group=other)
    member = cast["member"]
    roots = Annotation.objects.roots().filter(paragraph=paragraph)
    before = set(visible_annotations(member, roots).live())
    waiting = set(withheld_annotations(member, roots))
    note(member, paragraph, "Mine", group=group)
    forget_roles(member)
    after = set(visible_annotations(member, roots).live()) - {Annotation.objects.get(body="Mine")}
    assert waiting == after - before and len(waiting) == 2


# --- A moderator hides a note: its author is told, wherever they see it -------------------------


def test_the_author_of_a_hidden_note_sees_why_and_is_notified_and_told_again_on_restore(seminar, make_user, mailoutbox):
    group, cast, paragraph = seminar
    author = cast["member"]
    NotificationPreference.objects.create(user=author, email=True)
    classmate = make_user("max")
    Membership.objects.create(group=group, user=classmate, role=Role.MEMBER)
    a = note(author, paragraph, "A heated remark", group=group)
    moderator = client_for(cast["moderator"])
    assert moderator.post(reverse("annotation_hide", args=[a.pk]), {"reason": "Please keep it civil"}).status_code == 302

    mine = client_for(author)
    pages = {
        "margin": reverse("document", args=[paragraph.document.slug]),
        "note": reverse("annotation", args=[a.pk]),
        "person": reverse("person", args=[author.username]),
    }
    told = "A moderator hid your note: your classmates no longer see it (“Please keep it civil”)."
    for name, url in pages.items():
        html = mine.get(url).text
        assert "A heated remark" in html and told in html, name
        assert "A heated remark" not in client_for(classmate).get(url).text or name == "note", name
    assert client_for(classmate).get(pages["note"]).status_code == 404
    assert "Hidden from the group (“Please keep it civil”)." in moderator.get(pages["note"]).text

    notifications = mine.get(reverse("notifications")).text
    assert "A moderator hid your note" in notifications
    send_pending_emails()
    assert [m.subject for m in mailoutbox] == ["Marginalia: A moderator hid your note"]

    assert moderator.post(reverse("annotation_unhide", args=[a.pk]), {"reason": ""}).status_code == 302
    assert "A moderator restored your note" in mine.get(reverse("notifications")).text
    assert "no longer see it" not in mine.get(pages["margin"]).text
    assert "A heated remark" in client_for(classmate).get(pages["margin"]).text
    send_pending_emails()
    assert mailoutbox[-1].subject == "Marginalia: A moderator restored your note"


def test_a_moderator_hiding_their_own_note_is_not_notified(seminar):
    group, cast, paragraph = seminar
    a = note(cast["moderator"], paragraph, "My own slip", group=group)
    client_for(cast["moderator"]).post(reverse("annotation_hide", args=[a.pk]), {"reason": ""})
    assert not Notification.objects.exists()


# --- Who sees a new note is chosen visibly, defaulting to the last choice -----------------------


def test_a_new_note_defaults_to_the_last_choice_so_classmates_see_what_was_meant_for_them(seminar, make_user):
    group, cast, paragraph = seminar
    student = cast["member"]
    classmate = make_user("max")
    Membership.objects.create(group=group, user=classmate, role=Role.MEMBER)
    new_url = reverse("annotation_new", args=[paragraph.document.slug, paragraph.anchor])
    mine = client_for(student)

    # A first note is private unless chosen otherwise; the choice sits beside Save.
    form = mine.get(new_url, headers={"HX-Request": "true"}).text
    assert _selected(form) is None and re.search(r'<select name="visibility"[^>]*>\s*<option value="private"', form)
    assert form.index('class="form-actions"') < form.index('name="visibility"') < form.index(">Save</button>")
    mine.post(new_url, {"body": "For the group", "visibility": f"group-{group.pk}"})

    # The margin's form (as the keyboard's "a" opens it) now starts from that choice ...
    form = mine.get(new_url, headers={"HX-Request": "true"}).text
    assert _selected(form) == f"group-{group.pk}"
    # ... so a note saved with what the form shows reaches the classmate.
    mine.post(new_url, {"body": "Made from the keyboard", "visibility": _selected(form)})
    assert "Made from the keyboard" in client_for(classmate).get(reverse("document", args=[paragraph.document.slug])).text


def _selected(form_html):
    match = re.search(r'<option value="([^"]+)"[^>]*selected', form_html)
    return match.group(1) if match else None


# --- Anonymous notes on the text (not only replies) --------------------------------------------


def test_an_anonymous_note_keeps_its_name_from_classmates_and_says_so_to_those_who_know(seminar, make_user):
    group, cast, paragraph = seminar
    settings_for(group, allow_anonymous=True)
    author = make_user("zephyrine", display_name="Zephyrine Quaglia")
    Membership.objects.create(group=group, user=author, role=Role.MEMBER)
    new_url = reverse("annotation_new", args=[paragraph.document.slug, paragraph.anchor])
    mine = client_for(author)
    assert "Anonymous to classmates" in mine.get(new_url).text  # offered in the form
    response = mine.post(new_url, {"body": "An unpopular reading", "visibility": f"group-{group.pk}", "anonymous": "on"})
    assert response.status_code == 302
    a = Annotation.objects.get(body="An unpopular reading")
    created = ApiClient(author).post(
        "/api/annotations", {"paragraph": paragraph.pk, "body": "A question, asked quietly", "visibility": "group",
                             "group": group.pk, "anonymous": True},
    )
    assert created.status_code == 201, created.text
    assert created.json()["author_name"] != ANONYMOUS_AUTHOR  # the author knows it is theirs ...
    q = Annotation.objects.get(body="A question, asked quietly")
    assert client_for(author).post(reverse("annotation_question", args=[q.pk]), {"on": "1"}).status_code in (200, 302)

    pages = [reverse("document", args=[paragraph.document.slug]), reverse("annotation", args=[a.pk]),
             reverse("thread", args=[q.pk]), reverse("person", args=["zephyrine"])]
    for viewer in ("member", "moderator"):  # classmates (a moderator may not know the name either)
        client = client_for(cast[viewer])
        for url in pages[:3]:
            html = client.get(url).text
            assert ANONYMOUS_AUTHOR in html and "zephyrine" not in html.lower() and "Quaglia" not in html, (viewer, url)
            assert "Anonymous to classmates" not in html, (viewer, url)
        person = client.get(pages[3]).text
        assert "An unpopular reading" not in person and "asked quietly" not in person, viewer
        listed = ApiClient(cast[viewer]).get("/api/annotations", group=group.pk).text
        assert "zephyrine" not in listed.lower() and "Quaglia" not in listed, viewer
    # ... and is told it went out without their name; the instructor, that classmates do not know it.
    for knower, badge in ((author, "Posted anonymously"), (cast["instructor"], "Anonymous to classmates")):
        html = client_for(knower).get(pages[0]).text
        card = re.search(rf'<article class="annotation[^"]*" id="a-{a.pk}".*?</article>', html, re.S).group(0)
        assert "Zephyrine Quaglia" in card and f'class="badge badge-anonymous">{badge}<' in card, knower


def test_anonymity_is_refused_where_the_group_does_not_allow_it_and_nothing_is_lost(seminar):
    group, cast, paragraph = seminar
    settings_for(group, allow_anonymous=False)
    new_url = reverse("annotation_new", args=[paragraph.document.slug, paragraph.anchor])
    mine = client_for(cast["member"])
    assert "Anonymous to classmates" not in mine.get(new_url).text  # not offered
    response = mine.post(new_url, {"body": "Keep my words", "visibility": f"group-{group.pk}", "anonymous": "on"})
    assert response.status_code == 422
    assert "This group does not allow anonymous posts." in response.text and "Keep my words" in response.text
    api = ApiClient(cast["member"]).post(
        "/api/annotations", {"paragraph": paragraph.pk, "body": "x", "visibility": "group", "group": group.pk, "anonymous": True},
    )
    assert api.status_code == 422 and "This group does not allow anonymous posts." in api.text
    private = ApiClient(cast["member"]).post("/api/annotations", {"paragraph": paragraph.pk, "body": "x", "anonymous": True})
    assert private.status_code == 422
    assert not Annotation.objects.filter(author=cast["member"]).exists()
