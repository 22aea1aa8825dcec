"""The parser: text in, paragraph records out (no database needed)."""

import hashlib
import re
from collections import Counter
from pathlib import Path

import pytest

from reader.importers.text import decode_source
from reader.importing import (
    ImportRefused,
    ends_mid_sentence,
    parse_document,
    starts_lower_case,
)

ROOT = Path(__file__).resolve().parent.parent
SEED = (ROOT / "fixtures" / "new-industrialization.txt").read_text(encoding="utf-8")
SECOND = (ROOT / "tests" / "data" / "tide-ledgers.txt").read_text(encoding="utf-8")
TO_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@pytest.fixture(scope="module")
def seed():
    return parse_document(SEED)


@pytest.fixture(scope="module")
def second():
    return parse_document(SECOND)


def kinds(parsed):
    return [p.kind for p in parsed.paragraphs]


def containing(parsed, phrase):
    """The one record whose text contains phrase, with its index."""
    found = [(i, p) for i, p in enumerate(parsed.paragraphs) if phrase in p.text]
    assert len(found) == 1, f"{phrase!r} is in {len(found)} records"
    return found[0]


# --- Structure of the seed paper ------------------------------------------------------


def test_seed_front_matter(seed):
    assert seed.title == "Rationale and Pathway for New Industrialization in the Context of Chinese Modernization"
    assert seed.authors == "Huang Qunhui, Li Fangfang"
    assert seed.doi == "10.19602/j.chinaeconomist.2024.07.01"
    assert seed.keywords.startswith("New industrialization, Chinese modernization, coordinated evolution")
    assert kinds(seed)[:8] == [
        "title", "authors", "affiliation", "affiliation", "abstract", "keywords", "metadata", "metadata",
    ]
    authors = seed.paragraphs[1]
    assert authors.text == "Huang Qunhui¹, Li Fangfang^{2*}"  # markers kept as in the source
    affiliations = [p for p in seed.paragraphs if p.kind == "affiliation"]
    assert [(p.label, p.anchor) for p in affiliations] == [("1", "aff-1"), ("2", "aff-2")]
    assert affiliations[0].text.startswith("Institute of Economics")
    assert [(p.label, p.anchor, p.text) for p in seed.paragraphs if p.kind == "metadata"] == [
        ("JEL", "meta-jel", "JEL Classification Codes: O14"),
        ("DOI", "meta-doi", "DOI: 10.19602/j.chinaeconomist.2024.07.01"),
    ]


def test_seed_kind_counts(seed):
    assert seed.kind_counts() == {
        "title": 1, "authors": 1, "affiliation": 2, "abstract": 1, "keywords": 1, "metadata": 2,
        "note": 1, "heading": 17, "body": 27, "footnote": 7, "references_heading": 1, "reference": 20,
    }


def test_seed_headings_have_section_level_and_anchor(seed):
    headings = [(p.section, p.level, p.anchor) for p in seed.paragraphs if p.kind == "heading"]
    sections = ["1", "1.1", "1.2", "1.3", "1.4", "2", "2.1", "2.2", "2.3", "2.4", "2.5",
                "3", "3.1", "3.2", "3.3", "3.4", "3.5"]
    assert headings == [(s, 1 if "." not in s else 2, "s-" + s.replace(".", "-")) for s in sections]
    heading = next(p for p in seed.paragraphs if p.section == "1.3" and p.kind == "heading")
    assert heading.text.startswith("1.3 Export-Oriented Industrialization Period")


def test_body_paragraphs_carry_their_section(seed):
    _, paragraph = containing(seed, "Agricultural production paved the way")
    assert (paragraph.kind, paragraph.section, paragraph.level) == ("body", "1.1", 0)
    _, intro = containing(seed, "As noted in the *Report to the 20th National Congress*")
    assert (intro.kind, intro.section) == ("body", "")


# Every paragraph of the seed cut by a page break: the words either side of the cut, and
# the labels of the footnotes/notes that stood in between (they must follow the paragraph).
SEED_JOINS = [
    ("transforming human civilization from an agrarian society", ["*"]),
    ("in the highly centralized planned economic system slowed the development", ["1", "2", "3"]),
    ("thanks to their favorable location, and Deng Xiaoping's vision that", ["4"]),
    ("Our understanding of agriculture's core significance has not altered", []),
    ("post-industrial stage, across regions. Sixth, China's economic growth is limited", ["5"]),
    ("to the countryside. Hence, new technologies, private sector services", []),
    ("economic modernization is defined by the interaction of industrialization", []),
    ("environmental pollution and climate change. In order to achieve", []),
]


JOIN_IDS = ["civilization|from", "planned|economic", "and|Deng", "core|significance", "Sixth,|China's",
            "new|technologies", "defined|by", "climate|change"]


@pytest.mark.parametrize("phrase, moved", SEED_JOINS, ids=JOIN_IDS)
def test_seed_page_break_is_joined_and_its_footnotes_follow(seed, phrase, moved):
    assert phrase not in SEED  # the phrase spans a cut in the source
    index, paragraph = containing(seed, phrase)
    assert paragraph.kind == "body"
    following = seed.paragraphs[index + 1 : index + 1 + len(moved)]
    assert [(p.kind, p.label) for p in following] == [("note" if m == "*" else "footnote", m) for m in moved]


def test_seed_has_exactly_these_joins(seed):
    assert len(seed.joins) == len(SEED_JOINS)
    assert [list(j.moved_footnotes) for j in seed.joins] == [moved for _, moved in SEED_JOINS]


def test_no_paragraph_is_left_cut(seed, second):
    for parsed in (seed, second):
        for p in parsed.paragraphs:
            if p.kind == "body":
                assert not ends_mid_sentence(p.text), p.text[-60:]
                assert not starts_lower_case(p.text), p.text[:60]
            assert "  " not in p.text and p.text == p.text.strip()


def test_seed_footnotes(seed):
    footnotes = [p for p in seed.paragraphs if p.kind == "footnote"]
    assert [(p.label, p.anchor) for p in footnotes] == [(str(n), f"fn-{n}") for n in range(1, 8)]
    assert footnotes[0].text.startswith("These refer to the socialist industrialization")
    assert not any(p.text[0] in "⁰¹²³⁴⁵⁶⁷⁸⁹" for p in footnotes)  # the marker became the label
    # Each marker occurs once in the running text, and its footnote comes after it.
    for footnote in footnotes:
        marker = footnote.label.translate(TO_SUPERSCRIPT)
        citing = [i for i, p in enumerate(seed.paragraphs) if p.kind == "body" and marker in p.text]
        assert len(citing) == 1, marker
        assert seed.paragraphs.index(footnote) > citing[0]


def test_seed_contact_note(seed):
    notes = [p for p in seed.paragraphs if p.kind == "note"]
    assert [(p.label, p.anchor, p.text) for p in notes] == [
        ("*", "fn-star", "CONTACT: Li Fangfang, email: liff602@163.com.")
    ]


def test_emphasis_is_kept_as_markdown(seed):
    abstract = next(p for p in seed.paragraphs if p.kind == "abstract")
    assert abstract.text.startswith("Abstract: *The concepts of modernization")
    assert abstract.text.endswith("new era.*")
    _, paragraph = containing(seed, "According to the *Report to the 20th CPC National Congress*")
    assert paragraph.kind == "body"
    reference = next(p for p in seed.paragraphs if p.text.startswith("Cai F."))
    assert "*Economic Research*" in reference.text


def test_references_with_and_without_dash(seed):
    references = [p for p in seed.paragraphs if p.kind == "reference"]
    assert len(references) == 20
    assert references[0].text.startswith("Cai F. Demographic Shift")
    assert not any(p.text.startswith("- ") for p in references)
    # The six trailing paragraphs had no dash in the source and are references all the same.
    assert [p.text.split(".")[0] for p in references[-6:]] == ["Tang H", "Wang Y", "Xi Jinping", "Xi Jinping",
                                                              "Yin H", "Zhang P"]
    assert kinds(seed)[-21] == "references_heading"
    assert all(p.section == "" for p in references)


# --- Anchors and hashes ---------------------------------------------------------------


def test_anchors_are_unique_slug_safe_and_deterministic(seed, second):
    for parsed, source in ((seed, SEED), (second, SECOND)):
        anchors = [p.anchor for p in parsed.paragraphs]
        assert len(set(anchors)) == len(anchors)
        assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", a) and len(a) <= 80 for a in anchors)
        assert [p.anchor for p in parse_document(source).paragraphs] == anchors


def test_body_anchor_names_section_and_opening_words(seed):
    _, paragraph = containing(seed, "Agricultural production paved the way")
    assert re.fullmatch(r"1-1-agricultural-production-paved-the-way-for-[0-9a-f]{6}", paragraph.anchor)


def test_anchors_survive_an_inserted_paragraph_and_a_late_typo_fix(seed):
    edited = SEED.replace(
        "1.2 Economic Transition Period",
        "A new paragraph inserted in a later version of the paper.\n\n1.2 Economic Transition Period",
    ).replace("ushering in a new era of rapid industrial growth.", "ushering in a new era of rapid industrial growth!")
    new = parse_document(edited)
    assert len(new.paragraphs) == len(seed.paragraphs) + 1
    assert set(p.anchor for p in seed.paragraphs) <= set(p.anchor for p in new.paragraphs)
    _, fixed = containing(new, "ushering in a new era of rapid industrial growth!")
    _, original = containing(seed, "ushering in a new era of rapid industrial growth.")
    assert fixed.anchor == original.anchor and fixed.content_hash != original.content_hash


def test_identical_paragraphs_get_distinct_anchors():
    parsed = parse_document("A Title\n\n1. One\n\nSame words here.\n\nSame words here.\n")
    body = [p.anchor for p in parsed.paragraphs if p.kind == "body"]
    assert body[1] == body[0] + "-2"


def test_content_hash_is_sha256_of_text(seed):
    for p in seed.paragraphs:
        assert p.content_hash == hashlib.sha256(p.text.encode()).hexdigest()


# --- Faithfulness -----------------------------------------------------------------------

FOOTNOTE_LIKE = ("footnote", "note")
SOURCE_FOOTNOTE = re.compile(r"^(?:[⁰¹²³⁴⁵⁶⁷⁸⁹]+ |\* CONTACT:)")


def source_words(source):
    """(words of footnotes and notes, words of everything else), read from the source
    itself with nothing but its visible conventions: paragraphs are separated by blank
    lines, footnotes start with a superscript marker (after the front matter, where the
    same markers start affiliations), and "- " starts a list item (markup, not a word)."""
    notes, rest = [], []
    past_front_matter = False
    for chunk in re.split(r"\n\s*\n", source):
        words = re.sub(r"(?m)^\s*- ", "", chunk).split()
        if not words:
            continue
        past_front_matter = past_front_matter or chunk.startswith("Abstract:")
        is_note = (past_front_matter and SOURCE_FOOTNOTE.match(chunk)) or chunk.startswith("* CONTACT:")
        (notes if is_note else rest).extend(words)
    return notes, rest


def record_words(parsed):
    """The same split of the records in position order; a record's label is rendered back
    as the marker it came from (superscript number, or "*" for the contact note)."""
    notes, rest = [], []
    for p in parsed.paragraphs:
        if p.kind in ("footnote", "affiliation"):
            words = [p.label.translate(TO_SUPERSCRIPT), *p.text.split()]
        elif p.kind == "note":
            words = ["*", *p.text.split()]
        else:
            words = p.text.split()
        (notes if p.kind in FOOTNOTE_LIKE else rest).extend(words)
    return notes, rest


@pytest.mark.parametrize("source", [SEED, SECOND], ids=["seed", "second-paper"])
def test_every_word_of_the_source_in_order(source):
    """Proves: (1) the records hold exactly the source's words, as a multiset — none lost,
    none duplicated; (2) outside footnotes and notes, the records in position order give
    the source's word sequence exactly; (3) the footnotes and notes, in position order, give
    the source's footnotes exactly. The only reordering is therefore of whole footnotes
    relative to the running text: the interrupting ones that follow a joined paragraph."""
    parsed = parse_document(source)
    source_notes, source_rest = source_words(source)
    record_notes, record_rest = record_words(parsed)
    assert Counter(record_notes + record_rest) == Counter(source_notes + source_rest)
    assert record_rest == source_rest
    assert record_notes == source_notes
    assert len(source_rest) > 800 and len(source_notes) > 50  # it really read the paper


# --- A second paper with the same conventions ------------------------------------------


def test_second_paper_structure(second):
    assert second.title.startswith("Tide Tables and Ledgers")
    assert second.authors == "Maren Holt, Tomasz Wierzbicki, Ana Lucía Ferreira"
    assert second.doi == "10.5555/tide.ledgers.2025.03.07"
    assert second.keywords == "cooperative credit, small-scale fisheries, relational lending, Baltic Sea"
    assert second.kind_counts() == {
        "title": 1, "authors": 1, "affiliation": 3, "abstract": 1, "keywords": 1, "metadata": 2, "note": 1,
        "heading": 8, "body": 9, "list_item": 3, "footnote": 4, "references_heading": 1, "reference": 4,
    }
    headings = [(p.section, p.level) for p in second.paragraphs if p.kind == "heading"]
    assert headings == [("1", 1), ("1.1", 2), ("1.2", 2), ("2", 1), ("2.1", 2), ("2.1.1", 3), ("2.2", 2), ("3", 1)]
    assert [p.text for p in second.paragraphs if p.kind == "reference"][2].startswith("Stein J. C.")


def test_second_paper_joins(second):
    # Cut by two footnotes; the paragraph was also hard-wrapped over several lines.
    index, paragraph = containing(second, "at the right hour and because the boat itself")
    assert "Our reading is close in the literal sense: each repayment" in paragraph.text
    assert [p.anchor for p in second.paragraphs[index + 1 : index + 3]] == ["fn-1", "fn-2"]
    # Cut by the contact note, continuing with a capital (a place name).
    index, paragraph = containing(second, "in the years after 1990, Gdańsk being the last of the three.")
    assert second.paragraphs[index + 1].kind == "note"
    # Cut with nothing in between, continuing in lower case.
    containing(second, "can be read directly from the accounts at the end of each season.")
    assert len(second.joins) == 3
    # A footnote after a complete paragraph stays where it is and joins nothing.
    index, paragraph = containing(second, "Our work joins studies of informal insurance")
    assert second.paragraphs[index + 1].anchor == "fn-3"
    assert second.paragraphs[index + 2].kind == "heading"


def test_second_paper_list_items(second):
    items = [p for p in second.paragraphs if p.kind == "list_item"]
    assert [p.text.split()[:3] for p in items] == [["a", "page", "per"], ["a", "note", "in"], ["a", "line", "drawn"]]
    assert all(p.section == "2" for p in items)


# --- Rules at the edges ----------------------------------------------------------------


def test_no_join_without_page_break_evidence():
    """Ending without punctuation is not enough: with nothing in between and a capital
    next, the two paragraphs stay apart (a caption, a heading we do not recognise…)."""
    parsed = parse_document("A Title\n\nFigure 1 shows the harbour\n\nThe boats leave at dawn.\n")
    assert [p.kind for p in parsed.paragraphs] == ["title", "body", "body"]
    assert parsed.joins == []


def test_numbered_sentence_is_not_a_heading():
    parsed = parse_document("A Title\n\n1. We argue that the ledger is a contract.\n")
    assert parsed.paragraphs[1].kind == "body"


def test_markdown_headings_lose_their_hashes():
    parsed = parse_document("# A Markdown Paper\n\n## 1. Start\n\nSome text.\n\n## Acknowledgements\n\nThanks.\n")
    assert [(p.kind, p.section, p.level, p.text) for p in parsed.paragraphs] == [
        ("title", "", 0, "A Markdown Paper"),
        ("heading", "1", 1, "1. Start"),
        ("body", "1", 0, "Some text."),
        ("heading", "", 1, "Acknowledgements"),
        ("body", "", 0, "Thanks."),
    ]
    assert parsed.title == "A Markdown Paper"
    assert parsed.paragraphs[3].anchor == "s-acknowledgements"


def test_text_without_a_title_uses_the_fallback():
    parsed = parse_document("Just one long paragraph of prose that ends like a sentence.\n", fallback_title="Notes")
    assert parsed.title == "Notes"
    assert [p.kind for p in parsed.paragraphs] == ["body"]


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "is empty"),
        (b"  \n\n\t\n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        ("Économie politique\n".encode("latin-1"), "not UTF-8"),
    ],
    ids=["empty", "blank", "binary", "latin-1"],
)
def test_decode_refuses_bad_input(data, reason):
    with pytest.raises(ImportRefused, match=reason) as refusal:
        decode_source(data, "paper.txt")
    assert "\n" not in str(refusal.value)


def test_decode_accepts_bom_and_windows_line_ends():
    assert decode_source("\ufeffTitle\r\n\r\nText.\r\n".encode()) == "Title\n\nText.\n"


def test_page_marks_carry_the_printed_page_and_where_known_the_files_page():
    text = "\f[p. 117 #3]\n\nFirst paragraph on a page.\n\n\f[p. xii]\n\nSecond, from a mark without an index.\n"
    first, second = parse_document(text).paragraphs
    assert (first.page, first.page_index) == ("117", 3)
    assert (second.page, second.page_index) == ("xii", None)
