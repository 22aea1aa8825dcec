from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in

from accounts.sessions import start_expiry


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        user_logged_in.connect(start_expiry, dispatch_uid="accounts.sessions.start_expiry")
