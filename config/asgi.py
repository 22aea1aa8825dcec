import os

from django.conf import settings
from django.core.asgi import get_asgi_application

from config.admission import admit_in_turn, pool_turns
from config.request_guards import limit_request_size

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Under ASGI each request runs its sync code in a thread of its own, so persistent connections
# would pile up one per thread ("too many clients" at 20 concurrent clients); Django advises a
# pool instead. DB_POOL=false in the environment still turns it off.
os.environ.setdefault("DB_POOL", "true")
django_application = get_asgi_application()
# As many requests at once as the pool has connections; the rest wait their turn.
turns = pool_turns(settings)
if turns:
    django_application = admit_in_turn(django_application, turns, settings.ADMISSION_WAIT_SECONDS)
# Headers and body counted as they arrive, before Django spools the body (413/431).
application = limit_request_size(django_application)
