"""Demo data at any scale, for benchmarks and for trying the app with a crowd:

    python manage.py seed_demo --users 5000 --groups 200 --annotations 1000000

creates users (all with the password given by --password), study groups with members and an
instructor each, and annotations on one document (the first, or the seed paper, loaded if
there is none): a mix of public, group and private notes, about a fifth of them replies in a
thread, a third on a highlighted passage, with tags from a small vocabulary and links to other
paragraphs or to the web. With --documents N the annotations spread over that document and
N-1 copies of it (slugs <slug>-copy-<k>), as on a site with many papers. With --users 0
--groups 0 it adds annotations by the demo users and groups already there (the benchmark's
scale curve grows the data this way).

Rows go in with PostgreSQL COPY (psycopg 3) under ids reserved from each table's sequence, so
a million annotations take minutes, not hours; everything is one transaction, so an
interrupted run leaves nothing behind. The data is deterministic for a given --seed.
"""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag
from tqdm import tqdm

from annotations.models import Annotation, Link, TaggedAnnotation, Visibility
from groups.models import Membership, Role, StudyGroup
from reader.models import Document, Paragraph

TAG_VOCABULARY = [
    "industrial-policy", "modernization", "green-development", "digital-economy", "manufacturing",
    "innovation", "supply-chains", "energy", "productivity", "methodology", "evidence", "definition",
    "counterpoint", "question", "key-claim", "data", "history", "comparison", "exam", "reading-week",
]
RELATIONS = [Link.Relation.SUPPORTS, Link.Relation.CONTRADICTS, Link.Relation.ELABORATES, Link.Relation.SEE_ALSO]
EXTRA_WORDS = ["I", "think", "this", "claim", "needs", "evidence", "compare", "with", "section", "why", "does",
               "the", "author", "argue", "that", "agree", "disagree", "see", "also", "note", "important"]


def reserve_ids(model, count: int) -> list[int]:
    """Take `count` values from the table's id sequence, so COPY can write ids that no
    concurrent insert will ever be given."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
        )
        return [row[0] for row in cursor.fetchall()]


def copy_rows(model, columns: list[str], rows, progress=None) -> int:
    """COPY rows (tuples in the order of `columns`, attnames) into the model's table. Other
    fields get their model default, so a field added later with a default needs no change here."""
    defaults = {}
    for field in model._meta.concrete_fields:
        if field.attname in columns or field.generated or field.primary_key:
            continue
        value = field.get_default()
        if value is None and not field.null:
            raise CommandError(f"seed_demo does not know how to fill {model.__name__}.{field.name}")
        defaults[field.column] = value
    column_names = [model._meta.get_field(name).column for name in columns] + list(defaults)
    extra = tuple(defaults.values())
    sql = 'COPY "{}" ({}) FROM STDIN'.format(
        model._meta.db_table, ", ".join(f'"{name}"' for name in column_names)
    )
    written = 0
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row + extra)
            written += 1
            if progress is not None and written % 1000 == 0:
                progress.update(1000)
    if progress is not None:
        progress.update(written % 1000)
    return written


class Command(BaseCommand):
    help = "Create demo users, groups, memberships and annotations (with tags, replies and links) quickly."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=100)
        parser.add_argument("--groups", type=int, default=10)
        parser.add_argument("--annotations", type=int, default=1000)
        parser.add_argument("--document", help="Slug of the document to annotate (default: the first one).")
        parser.add_argument("--documents", type=int, default=1, help="Spread over this many documents (copies).")
        parser.add_argument("--password", default="marginalia-demo", help="Password of every demo user.")
        parser.add_argument("--prefix", default="demo", help="Usernames are <prefix><number>.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, users, groups, annotations, document, documents, password, prefix, seed, no_progress,
               **options):
        if users < 0 or groups < 0 or annotations < 0 or documents < 1:
            raise CommandError("Counts cannot be negative, and --documents is at least 1")
        if (users == 0) != (groups == 0):
            raise CommandError("Give both --users and --groups, or neither (0 and 0) to reuse the demo ones")
        if users < groups:
            raise CommandError("Give at least as many users as groups: every group gets an instructor")
        self.rng = random.Random(seed)
        self.no_progress = no_progress or options["verbosity"] == 0
        doc = self.document(document)
        docs = [doc, *self.copies(doc, documents - 1)]
        self.paragraphs = list(
            Paragraph.objects.filter(document__in=docs).order_by("pk").values_list("id", "text")
        )
        if not self.paragraphs:
            raise CommandError(f"{doc.slug} has no paragraphs to annotate")
        words = " ".join(text for _, text in self.paragraphs[:200]).split()
        self.words = [w.strip(".,;:()[]\"'") for w in words if w.isascii() and len(w) > 2] + EXTRA_WORDS

        with transaction.atomic():
            if users:
                user_ids = self.create_users(users, password, prefix)
                members = self.create_groups(groups, user_ids)
            else:
                user_ids, members = self.existing_demo_users(prefix)
            counts = self.create_annotations(annotations, user_ids, members)
        self.refresh_statistics()
        self.stdout.write(
            f"Created {users:,} users, {groups:,} groups, {len(members) if users else 0:,} memberships, "
            f"{counts['annotations']:,} annotations ({counts['replies']:,} replies), "
            f"{counts['tags']:,} tag uses and {counts['links']:,} links on {doc.slug}"
            + (f" and {documents - 1} copies." if documents > 1 else ".")
        )

    def progress(self, total, desc):
        return tqdm(total=total, desc=desc, unit=" rows", unit_scale=True, disable=self.no_progress,
                    file=self.stderr._out, dynamic_ncols=True)

    def document(self, slug):
        if slug:
            try:
                return Document.objects.get(slug=slug)
            except Document.DoesNotExist:
                raise CommandError(f"No document with the slug {slug!r}") from None
        doc = Document.objects.order_by("pk").first()
        if doc is None:
            call_command("load_seed", verbosity=0)
            doc = Document.objects.order_by("pk").first()
        return doc

    def copies(self, doc, count):
        """The document's first `count` copies, made (with their paragraphs) if missing."""
        slugs = [f"{doc.slug}-copy-{k}" for k in range(1, count + 1)]
        existing = {d.slug: d for d in Document.objects.filter(slug__in=slugs)}
        source = list(doc.paragraphs.all())
        for slug in slugs:
            if slug in existing:
                continue
            copy = Document.objects.create(title=f"{doc.title} (copy {slug.rsplit('-', 1)[1]})", slug=slug,
                                           authors=doc.authors, keywords=doc.keywords)
            Paragraph.objects.bulk_create(
                Paragraph(document=copy, position=p.position, kind=p.kind, section=p.section, level=p.level,
                          label=p.label, text=p.text, anchor=p.anchor, content_hash=p.content_hash)
                for p in source
            )
            existing[slug] = copy
        return [existing[slug] for slug in slugs]

    def existing_demo_users(self, prefix):
        user_ids = list(get_user_model().objects.filter(username__startswith=prefix).values_list("pk", flat=True))
        members = list(Membership.objects.filter(user__in=user_ids).values_list("user_id", "group_id"))
        if not user_ids or not members:
            raise CommandError(f"No demo users ({prefix}...) with groups yet: give --users and --groups")
        return user_ids, members

    def create_users(self, count, password, prefix):
        User = get_user_model()
        start = User.objects.filter(username__startswith=prefix).count()
        # One hash for everyone: hashing is deliberately slow, and these are demo accounts.
        hashed = make_password(password)
        now = timezone.now()
        ids = reserve_ids(User, count)
        rows = (
            (pk, f"{prefix}{start + i}", f"{prefix}{start + i}@example.org", hashed, f"Demo reader {start + i}", now)
            for i, pk in enumerate(ids)
        )
        with self.progress(count, "users") as bar:
            copy_rows(User, ["id", "username", "email", "password", "display_name", "date_joined"], rows, bar)
        return ids

    def create_groups(self, count, user_ids):
        """Every user joins one group (round robin), a third join a second; the first member
        of each group is its instructor. Returns [(user id, group id)]."""
        now = timezone.now()
        group_ids = reserve_ids(StudyGroup, count)
        copy_rows(StudyGroup, ["id", "name", "description", "created_by_id", "created"],
                  ((pk, f"Demo seminar {i + 1}", "A demo reading group.", user_ids[i], now)
                   for i, pk in enumerate(group_ids)))
        pairs = {(user_id, group_ids[i % count]) for i, user_id in enumerate(user_ids)}
        pairs |= {(user_id, self.rng.choice(group_ids)) for user_id in user_ids[::3]}
        instructors = {(user_ids[i], pk) for i, pk in enumerate(group_ids)}
        members = sorted(pairs)
        with self.progress(len(members), "memberships") as bar:
            copy_rows(Membership, ["user_id", "group_id", "role", "joined"],
                      ((u, g, Role.INSTRUCTOR if (u, g) in instructors else Role.MEMBER, now) for u, g in members),
                      bar)
        return members

    def sentence(self, low=4, high=30):
        rng = self.rng
        return " ".join(rng.choice(self.words) for _ in range(rng.randint(low, high))).capitalize() + "."

    def create_annotations(self, count, user_ids, members):
        rng = self.rng
        tags = {
            name: Tag.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0].pk
            for name in TAG_VOCABULARY
        }
        tag_ids = list(tags.values())
        ids = reserve_ids(Annotation, count) if count else []
        start_time = timezone.now() - timedelta(days=90)
        step = timedelta(days=90) / max(count, 1)
        members_of = {}
        for user_id, group_id in members:
            members_of.setdefault(group_id, []).append(user_id)
        roots = []  # (id, paragraph, visibility, group) of recent thread starters, for replies
        tag_rows, link_rows = [], []
        counts = {"annotations": count, "replies": 0, "tags": 0, "links": 0}

        def annotation_rows():
            for n, pk in enumerate(ids):
                created = start_time + step * n
                if roots and rng.random() < 0.2:
                    parent_id, paragraph_id, visibility, group_id = rng.choice(roots)
                    author = rng.choice(members_of[group_id]) if group_id else rng.choice(user_ids)
                    counts["replies"] += 1
                    yield (pk, paragraph_id, author, self.sentence(3, 20), "", "", "", None, None,
                           visibility, group_id, parent_id, created, created)
                    continue
                paragraph_id, text = rng.choice(self.paragraphs)
                roll = rng.random()
                if roll < 0.5:
                    author, group_id = rng.choice(members)
                    visibility = Visibility.GROUP
                elif roll < 0.8:
                    author, group_id, visibility = rng.choice(user_ids), None, Visibility.PUBLIC
                else:
                    author, group_id, visibility = rng.choice(user_ids), None, Visibility.PRIVATE
                quote = prefix = suffix = ""
                start = end = None
                if len(text) > 20 and rng.random() < 0.33:
                    start = rng.randrange(0, len(text) - 10)
                    end = min(len(text), start + rng.randint(5, 80))
                    quote, prefix, suffix = text[start:end], text[max(0, start - 32):start], text[end:end + 32]
                body = "" if quote and rng.random() < 0.1 else self.sentence()
                for tag_id in rng.sample(tag_ids, rng.choice((0, 0, 1, 1, 2, 3))):
                    tag_rows.append((tag_id, pk))
                if rng.random() < 0.12:
                    if rng.random() < 0.8:
                        link_rows.append((pk, rng.choice(self.paragraphs)[0], "", rng.choice(RELATIONS), created))
                    else:
                        link_rows.append((pk, None, f"https://example.org/source/{pk}", Link.Relation.SEE_ALSO, created))
                roots.append((pk, paragraph_id, visibility, group_id))
                if len(roots) > 5000:  # replies go to recent threads; keeps memory flat
                    del roots[:1000]
                yield (pk, paragraph_id, author, body, quote, prefix, suffix, start, end,
                       visibility, group_id, None, created, created)

        with self.progress(count, "annotations") as bar:
            copy_rows(Annotation, ["id", "paragraph_id", "author_id", "body", "quote", "prefix", "suffix", "start",
                                   "end", "visibility", "group_id", "parent_id", "created", "updated"],
                      annotation_rows(), bar)
        with self.progress(len(tag_rows), "tags") as bar:
            counts["tags"] = copy_rows(TaggedAnnotation, ["tag_id", "content_object_id"], iter(tag_rows), bar)
        with self.progress(len(link_rows), "links") as bar:
            counts["links"] = copy_rows(Link, ["annotation_id", "target_id", "url", "relation", "created"],
                                        iter(link_rows), bar)
        return counts

    def refresh_statistics(self):
        """Fresh statistics, so the planner sees the new scale at once (benchmarks run next);
        and, outside a transaction, VACUUM too: it marks the new pages all-visible, which lets
        the reading page count notes from annotation_margin_count_idx alone, as autovacuum
        would have a while later."""
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for model in (Annotation, TaggedAnnotation, Link, Membership):
                cursor.execute(f'{command} "{model._meta.db_table}"')
