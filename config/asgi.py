import os

from django.core.asgi import get_asgi_application

from config.request_guards import limit_request_size

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Under ASGI each request runs its sync code in a thread of its own, so persistent connections
# would pile up one per thread ("too many clients" at 20 concurrent clients); Django advises a
# pool instead. DB_POOL=false in the environment still turns it off.
os.environ.setdefault("DB_POOL", "true")
# Headers and body counted as they arrive, before Django spools the body (413/431).
application = limit_request_size(get_asgi_application())
