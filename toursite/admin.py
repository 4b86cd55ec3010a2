"""The site's own admin registrations, above every app: Django's user admin, with
its writes through ``stages.services.users`` (users sign race reports, and the
stage pages and the feed show the author's name, so a renamed user must bump the
data version of those races)."""

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model

from stages.services.users import user_save, users_delete

UserModel = get_user_model()
admin.site.unregister(UserModel)


@admin.register(UserModel)
class UserAdmin(auth_admin.UserAdmin):
    def save_model(self, request, obj, form, change):
        user_save(user=obj)

    def delete_model(self, request, obj):
        users_delete(users=[obj])

    def delete_queryset(self, request, queryset):
        users_delete(users=list(queryset))
