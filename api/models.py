"""State the JSON API keeps in the database, so any number of processes can serve it:
personal tokens, idempotency records, write-rate counters, and what an import created."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse

TOKEN_PREFIX = "mrg_"


def hash_token(raw: str) -> str:
    # Tokens carry 256 random bits, so a plain digest is enough (no slow KDF needed).
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal token for `Authorization: Bearer <token>`. Only its hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80, help_text="What the token is for, such as “Zotero sync”.")
    key_hash = models.CharField(max_length=64, unique=True)  # the lookup on every token request
    key_hint = models.CharField(max_length=12, help_text="The first characters, to tell tokens apart.")
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"{self.name} ({self.key_hint}…)"

    def get_absolute_url(self):
        return reverse("api_tokens")

    @classmethod
    def issue(cls, user, name: str) -> tuple["ApiToken", str]:
        """Create a token; the raw value is returned once and never stored."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, key_hash=hash_token(raw), key_hint=raw[:10])
        return token, raw

    @property
    def is_revoked(self):
        return self.revoked_at is not None


class IdempotencyRecord(models.Model):
    """The response to a create request sent with an Idempotency-Key, replayed on a retry."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="sha256 of method, path and body.")
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # One response per key and user; a concurrent retry fails here and replays instead.
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique_key"),
        ]

    def __str__(self):
        return f"{self.user_id}:{self.key}"


class RateCounter(models.Model):
    """Writes per user and scope in a fixed time window (see api/throttling.py)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=40)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            # The upsert in api/throttling.py conflicts on exactly these columns.
            models.UniqueConstraint(fields=["user", "scope", "window_start"], name="ratecounter_unique_window"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.scope} {self.window_start:%H:%M:%S}: {self.count}"
