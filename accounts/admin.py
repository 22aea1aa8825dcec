from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import User


@admin.register(User)
class MarginaliaUserAdmin(UserAdmin):
    list_display = ("username", "display_name", "email", "is_staff", "last_login")
    search_fields = ("username", "display_name", "email")
    fieldsets = UserAdmin.fieldsets + (("Marginalia", {"fields": ("display_name",)}),)
