"""Idempotency-Key on creates: a retried request gets the first response, and nothing new.

The record is written in the same transaction as the annotation; a concurrent retry with
the same key hits the unique constraint, rolls its own work back and replays the winner.
"""

import hashlib
import json
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils import timezone
from ninja.errors import HttpError
from ninja.responses import NinjaJSONEncoder

from api.models import IdempotencyRecord

MAX_KEY_LENGTH = 255
# How long a key is remembered (as Stripe does): long enough for any retry, and the table
# does not grow forever. A person's expired records go when they next send a key.
KEY_LIFETIME = timedelta(hours=24)


def idempotency_key(request) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    key = key.strip()
    if len(key) > MAX_KEY_LENGTH:
        raise HttpError(400, f"Idempotency-Key must be at most {MAX_KEY_LENGTH} characters.")
    # An empty key is no key (the schema allows it): the request runs, once, unremembered.
    return key or None


def fingerprint(request) -> str:
    return hashlib.sha256(request.method.encode() + b" " + request.path.encode() + b"\n" + request.body).hexdigest()


def _replay(record, request):
    if record.fingerprint != fingerprint(request):
        # A 422 like every other (a list of field errors), for the header at fault.
        error = {"loc": ["header", "Idempotency-Key"], "msg": "This key was already used with a different request.",
                 "type": "value_error"}
        return JsonResponse({"detail": [error]}, status=422)
    response = JsonResponse(record.response_body, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def run_once(request, user, create):
    """Call create() -> (status, body dict, headers) at most once per (user, Idempotency-Key)."""
    key = idempotency_key(request)
    if key is None:
        return create()
    IdempotencyRecord.objects.filter(user=user, created__lt=timezone.now() - KEY_LIFETIME).delete()
    record = IdempotencyRecord.objects.filter(user=user, key=key).first()
    if record is not None:
        return _replay(record, request)
    try:
        with transaction.atomic():
            status, body, headers = create()
            IdempotencyRecord.objects.create(
                user=user, key=key, fingerprint=fingerprint(request), status_code=status,
                # Stored as the API renders it, so a replay is byte-for-byte the first answer.
                response_body=json.loads(json.dumps(body, cls=NinjaJSONEncoder)),
            )
    except IntegrityError:
        record = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if record is None:
            raise
        return _replay(record, request)
    return status, body, headers
