"""How the tool talks to an LMS: pylti1p3's requests, but never waiting forever (requests has no
default timeout, so a hung LMS would hold a worker, and a launch, for good)."""

import requests

LMS_TIMEOUT_SECONDS = 10


class LmsSession(requests.Session):
    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", LMS_TIMEOUT_SECONDS)
        return super().request(*args, **kwargs)
