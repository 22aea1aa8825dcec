"""Logging filters named in settings.LOGGING."""

import logging


class RefusalsOnOneLine(logging.Filter):
    """A refusal (403, 404, 400: any answer under 500) is logged as its one-line message.

    Django logs PermissionDenied with its traceback, so every refused request wrote a dozen
    lines of stack that hid the real errors; those (5xx) keep their traceback.
    """

    def filter(self, record):
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = record.exc_text = None
        return True
