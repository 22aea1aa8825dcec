import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Under ASGI each request runs its sync code in a thread of its own, so persistent connections
# would pile up one per thread ("too many clients" at 20 concurrent clients); Django advises a
# pool instead. DB_POOL=false in the environment still turns it off.
os.environ.setdefault("DB_POOL", "true")
application = get_asgi_application()
