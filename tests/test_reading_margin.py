"""The reading page's margin: counts, cards, highlights, filters, and a constant number of
queries whether the database holds ten annotations or a hundred thousand."""

import itertools
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from taggit.models import Tag

from annotations.models import Annotation, Link, TaggedAnnotation, Visibility
from annotations.permissions import visible_annotations
from annotations.reading import BATCH_BUDGET, CARD_BUDGET, MARGIN_LIMIT, MARGIN_QUERIES, page_margins
from groups.models import GroupSettings, Membership, Role
from live.reading import reading_view, with_rendered_parts
from reader.models import Document
from reader.rendering import ReadingPage


@pytest.fixture
def seed(db):
    call_command("load_seed", verbosity=0)
    return Document.objects.get(slug="new-industrialization")


def fill(seed, cast, group, total):
    """`total` annotations spread over the seed's paragraphs, by every member, in every
    visibility, a tenth of them tagged and a hundredth linking elsewhere (bulk inserts)."""
    paragraphs = list(seed.paragraphs.all())
    authors = [cast["member"], cast["moderator"], cast["instructor"], cast["outsider"]]
    visibilities = [(Visibility.PUBLIC, None), (Visibility.GROUP, group), (Visibility.PRIVATE, None)]
    rows = []
    for i, (p, author, (visibility, g)) in zip(range(total), zip(itertools.cycle(paragraphs), itertools.cycle(authors),
                                                                 itertools.cycle(visibilities))):
        rows.append(Annotation(paragraph=p, author=author, body=f"Note {i}", visibility=visibility, group=g))
    created = Annotation.objects.bulk_create(rows, batch_size=5000)
    tag, _ = Tag.objects.get_or_create(name="bulk", defaults={"slug": "bulk"})
    TaggedAnnotation.objects.bulk_create([TaggedAnnotation(tag=tag, content_object=a) for a in created[::10]], batch_size=5000)
    Link.objects.bulk_create(
        [Link(annotation=a, target=paragraphs[(n * 7) % len(paragraphs)], relation="supports") for n, a in enumerate(created[::100])],
        batch_size=5000,
    )
    # As autovacuum would after such a load: without fresh statistics the planner takes the
    # tables for the handful of rows they held before, and picks plans meant for that.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE annotations_annotation, annotations_link, annotations_taggedannotation")
    return created


def read(client, seed, **params):
    return client.get(reverse("document", args=[seed.slug]), params)


def queries_for(client, seed, **params):
    with CaptureQueriesContext(connection) as captured:
        assert read(client, seed, **params).status_code == 200
    return len(captured)


def test_the_reading_page_takes_as_many_queries_with_100000_annotations_as_with_10(
    client, seed, group_roles, django_assert_max_num_queries
):
    """One fill (bulk inserts, a few seconds), measured signed out and signed in."""
    group, other, cast = group_roles
    filtered = {"tag": "bulk", "by": "mia", "show": "public"}  # matches a few at 10, thousands at 100,000

    def as_reader(signed_in):
        client.logout()
        if signed_in:
            client.force_login(cast["member"])

    fill(seed, cast, group, 10)
    read(client, seed)  # the paper's text, read once and kept (reader.rendering.ReadingPage.of)
    small = {}
    for signed_in in (False, True):
        as_reader(signed_in)
        small[signed_in] = (queries_for(client, seed), queries_for(client, seed, **filtered))
    fill(seed, cast, group, 100_000 - 10)
    assert Annotation.objects.count() == 100_000
    for signed_in in (False, True):
        as_reader(signed_in)
        # The whole page (the margin and whatever else it shows) costs what it did with 10.
        assert (queries_for(client, seed), queries_for(client, seed, **filtered)) == small[signed_in]
        response = read(client, seed)
        # And the margin's own share stays within its stated budget.
        user = cast["member"] if signed_in else AnonymousUser()
        page = ReadingPage.build(seed.paragraphs.defer("search_vector"))
        with django_assert_max_num_queries(MARGIN_QUERIES):
            page_margins(user, seed, page, filtered)
    # The margin shows at most MARGIN_LIMIT cards a paragraph and says how many more there are.
    html = response.text
    cards = re.findall(r'<article class="annotation vis-', html)
    assert 0 < len(cards) <= MARGIN_LIMIT * seed.paragraphs.count()
    assert "more notes on this paragraph" in html


def test_counts_come_from_what_i_may_see(client, seed, group_roles):
    group, other, cast = group_roles
    fill(seed, cast, group, 30)
    first = seed.paragraphs.order_by("position").first()
    visible_to = {
        None: Annotation.objects.filter(paragraph=first, visibility=Visibility.PUBLIC).count(),
        "outsider": Annotation.objects.filter(paragraph=first).exclude(visibility=Visibility.GROUP)
        .exclude(visibility=Visibility.PRIVATE, author__username__in=["mia", "moritz", "ines"]).count(),
    }
    for role, expected in visible_to.items():
        client.logout()
        if role:
            client.force_login(cast[role])
        html = read(client, seed).text.split(f'id="p-{first.anchor}"', 1)[1].split("</aside>", 1)[0]
        assert f'data-count="{expected}"' in html


@pytest.fixture
def three(document, group_roles):
    group, other, cast = group_roles
    p = document.paragraphs.get(anchor="p2")
    mine = Annotation.objects.create(paragraph=p, author=cast["member"], body="Mine, private")
    grouped = Annotation.objects.create(paragraph=p, author=cast["instructor"], body="The seminar's",
                                        visibility=Visibility.GROUP, group=group)
    public = Annotation.objects.create(paragraph=p, author=cast["outsider"], body="Everyone's", visibility=Visibility.PUBLIC)
    public.tags.set(["Energy"])
    client_user = cast["member"]
    return client_user, group, (mine, grouped, public)


@pytest.mark.parametrize("params, shown", [
    ({}, {"Mine, private", "The seminar's", "Everyone's"}),
    ({"show": "mine"}, {"Mine, private"}),
    ({"show": "public"}, {"Everyone's"}),
    ({"group": "GROUP"}, {"The seminar's"}),
    ({"tag": "energy"}, {"Everyone's"}),
    ({"by": "ines"}, {"The seminar's"}),
    ({"by": "nobody"}, set()),
])
def test_filters_are_get_parameters(client, document, three, params, shown):
    user, group, _ = three
    client.force_login(user)
    params = {k: (str(group.pk) if v == "GROUP" else v) for k, v in params.items()}
    html = read(client, document, **params).text
    assert {body for body in ("Mine, private", "The seminar's", "Everyone's") if body in html} == shown
    for key, value in params.items():  # the filter form shows the state, so the URL can be shared
        assert f'value="{value}"' in html


def test_passages_are_highlighted_and_cards_show_the_quote_without_markup(client, document, make_user):
    p = document.paragraphs.get(anchor="p3")
    p.text = "Green *development* asks for new energy."
    p.save()
    a = Annotation.objects.create(paragraph=p, author=make_user("ada"), visibility=Visibility.PUBLIC,
                                  quote="*development* asks", start=6, end=24)
    html = read(client, document).text
    assert f'<em><mark class="hl" data-annotations="a-{a.pk}">development</mark></em>' in html
    assert f'<mark class="hl" data-annotations="a-{a.pk}"> asks</mark>' in html
    assert '<blockquote class="annotation-quote">development asks</blockquote>' in html


def test_every_paragraph_text_sits_in_the_span_the_selection_script_measures(client, document):
    html = read(client, document).text
    for anchor in ("p0", "p1", "p2", "p3", "p4"):
        assert f'<span class="para-content" id="t-{anchor}" data-anchor="{anchor}">' in html


def test_the_page_lists_the_keyboard_shortcuts_and_loads_the_script(client, document):
    html = read(client, document).text
    assert "Keyboard shortcuts" in html and "<kbd>j</kbd>" in html and "<kbd>Esc</kbd>" in html
    assert "js/annotate.js" in html


def test_signed_out_readers_get_no_annotate_button(client, document, make_user):
    assert "data-annotate" not in read(client, document).text
    client.force_login(make_user("ada"))
    assert 'data-annotate="p2"' in read(client, document).text


def _margin_of(html, anchor):
    start = html.rindex('<div class="margin-notes', 0, html.index(f'id="m-{anchor}"'))
    return html[start:html.index('class="margin-form-slot"', start)]


def test_a_busy_paper_comes_with_its_first_margins_and_the_rest_in_batches(client, seed, group_roles):
    """The page renders at most CARD_BUDGET cards; each later paragraph says how many notes it
    has, links to them (without JavaScript), and says where its batch loads from. Every
    paragraph is in exactly one batch, in reading order, and a batch brings more than the page
    did (fewer requests as one reads on) but at most BATCH_BUDGET cards."""
    group, _other, cast = group_roles
    fill(seed, cast, group, 2000)  # about 25 a paragraph
    client.force_login(cast["member"])
    html = read(client, seed).text
    assert 0 < len(re.findall(r'<article class="annotation vis-', html)) <= CARD_BUDGET

    paragraphs = list(seed.paragraphs.order_by("position"))
    first, later = paragraphs[0], paragraphs[-1]
    assert "is-pending" not in _margin_of(html, first.anchor)
    assert 'class="annotation-list"' in _margin_of(html, first.anchor)
    pending = _margin_of(html, later.anchor)
    count = int(re.search(r'data-count="(\d+)"', pending).group(1))
    assert "is-pending" in pending and count > 0 and 'class="annotation-list"' not in pending
    assert reverse("paragraph_discussion", args=[seed.slug, later.anchor]) in pending

    # In reading order (the page may place a paragraph, such as a note on the front matter,
    # away from its position).
    loaders = sorted(set(re.findall(r'data-batch="([^"]+)"', html)), key=lambda url: int(re.search(r"from=(\d+)", url)[1]))
    assert len(loaders) > 1
    covered, cards = [], []
    for url in loaders:
        batch = client.get(url.replace("&amp;", "&"), headers={"HX-Request": "true"}).text
        covered += re.findall(r'<div class="margin-notes[^"]*" id="m-([^"]+)"', batch)
        assert 'hx-swap-oob="true"' in batch and "is-pending" not in batch
        cards.append(len(re.findall(r'<article class="annotation vis-', batch)))
    assert max(cards) <= BATCH_BUDGET and cards[0] > CARD_BUDGET
    shown = [p.anchor for p in paragraphs if "is-pending" not in _margin_of(html, p.anchor)]
    assert shown + covered == [p.anchor for p in paragraphs]


def test_a_filtered_page_loads_its_batches_filtered(client, seed, group_roles):
    group, _other, cast = group_roles
    fill(seed, cast, group, 2000)
    client.force_login(cast["member"])
    html = read(client, seed, show="public").text
    url = re.search(r'data-batch="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "show=public" in url
    batch = client.get(url, headers={"HX-Request": "true"}).text
    assert "vis-public" in batch and "vis-group" not in batch and "vis-private" not in batch


def test_a_quiet_paper_comes_whole(client, seed, group_roles):
    group, _other, cast = group_roles
    fill(seed, cast, group, 12)
    client.force_login(cast["member"])
    html = read(client, seed).text
    assert "is-pending" not in html and "data-batch" not in html
    assert len(re.findall(r'<article class="annotation vis-', html)) == visible_annotations(cast["member"]).count() == 9


def test_later_margins_and_heat_cells_read_exactly_as_their_templates_render_them(seed, group_roles, make_user):
    """The page renders a pending margin's template, and a heat cell's, once per shape and
    fills it in (live.reading.with_rendered_parts): for every count, held-back count, filter
    and reader, that is the template's own rendering of that paragraph's margin and cell."""
    group, _other, cast = group_roles
    fill(seed, cast, group, 2000)
    GroupSettings.objects.update_or_create(group=group, defaults={"hide_until_posted": True})
    newcomer = make_user("nell")  # has posted nowhere: the group's notes wait for her
    Membership.objects.create(group=group, user=newcomer, role=Role.MEMBER)
    shapes = set()
    for user, params in ((newcomer, {}), (cast["member"], {}), (cast["member"], {"tag": "bulk"}),
                         (cast["member"], {"show": "mine"}), (cast["instructor"], {"by": "mia"}), (AnonymousUser(), {})):
        request = RequestFactory().get(seed.get_absolute_url(), params)
        request.user = user

        def margin(paragraph, view):
            return render_to_string("annotations/_paragraph_margin.html", {
                "paragraph": paragraph, "document": seed, "margin_filter": view.margin_filter}, request)

        def cell(c):
            return render_to_string("live/_heat_cell.html", {"cell": c})

        view = reading_view(user, seed, params, since="0")
        filled = with_rendered_parts(view, lambda paragraph: margin(paragraph, view), cell)
        for plain, quick in zip(view.front_matter + view.body, filled.front_matter + filled.body):
            if plain.margin.pending:
                assert quick.margin_html == margin(plain, view)
                shapes.add((min(plain.margin.count, 2), min(plain.margin.withheld, 2)))
            else:
                assert not quick.margin_html
        for plain, quick in zip(view.heat_cells, filled.heat_cells, strict=True):
            assert quick.html == cell(plain)
    assert {count for count, _ in shapes} == {0, 1, 2} and {held for _, held in shapes} >= {0, 2}
