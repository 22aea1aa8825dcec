from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse


class User(AbstractUser):
    """The project's own user model (set up front, as Django advises), with a display name."""

    display_name = models.CharField(max_length=80, blank=True, help_text="Shown beside your notes.")

    def __str__(self):
        return self.display_name or self.get_username()

    def get_absolute_url(self):
        return reverse("person", args=[self.get_username()])
