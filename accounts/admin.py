"""Second-factor devices in the admin: seen and reset, never created nor read.

django-otp's own admin would let one administrator add a device for someone else or read a secret key and
the recovery codes; here an administrator can only see who has what and reset it (a lost phone), after
which the person enrols a new app at the next sign-in.
"""

# django-otp's plugins register their admin on import: import them first, then replace them.
import django_otp.plugins.otp_static.admin
import django_otp.plugins.otp_totp.admin  # noqa: F401
from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services


class SecondFactorDeviceAdmin(admin.ModelAdmin):
    list_display = ["account", "is_confirmed", "created", "last_used"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    search_help_text = _("Search by user name or name.")
    fields = ["account", "is_confirmed", "created", "last_used"]
    readonly_fields = fields
    actions = ["reset_second_factor"]
    list_select_related = ["user"]

    @admin.display(description=_("account"), ordering="user__username")
    def account(self, device):
        full_name = device.user.get_full_name()
        return f"{device.user.get_username()} ({full_name})" if full_name else device.user.get_username()

    @admin.display(description=_("confirmed"), boolean=True, ordering="confirmed")
    def is_confirmed(self, device):
        return device.confirmed

    @admin.display(description=_("added"), ordering="created_at")
    def created(self, device):
        return device.created_at

    @admin.display(description=_("last used"), ordering="last_used_at")
    def last_used(self, device):
        return device.last_used_at

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Deleting one device would leave the other (recovery codes without an app): reset both instead.
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("Reset the second factor of the selected accounts"), permissions=["delete"])
    def reset_second_factor(self, request, queryset):
        users = {device.user for device in queryset.select_related("user")}
        for user in users:
            services.second_factor_reset(user=user, by=request.user)
        self.message_user(
            request,
            ngettext(
                "The second factor of %(count)d account was reset: it will set up a new app at its next sign-in.",
                "The second factor of %(count)d accounts was reset: they will set up a new app at their next sign-in.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )

    def delete_model(self, request, obj):
        services.second_factor_reset(user=obj.user, by=request.user)


class RecoveryCodesAdmin(SecondFactorDeviceAdmin):
    list_display = [*SecondFactorDeviceAdmin.list_display, "codes_left"]
    fields = [*SecondFactorDeviceAdmin.fields, "codes_left"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(token_count=Count("token_set"))

    @admin.display(description=_("codes left"), ordering="token_count")
    def codes_left(self, device):
        return device.token_count


for model, model_admin in ((TOTPDevice, SecondFactorDeviceAdmin), (StaticDevice, RecoveryCodesAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
