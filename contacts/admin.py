"""The admin of contacts: categories and partners are kept here; contacts and referrals are read here (they
are written on the staff pages, through the services); identities only by those allowed, each read audited;
the audit trail read-only for everyone.

No list shows a resident's name, phone or e-mail: an identity is shown on its own page, and that read is
written to the audit trail.
"""

import csv

from django.contrib import admin, messages
from django.http import HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.spreadsheets import neutralise_cell

from .models import Contact, ContactCategory, IdentityAccess, Partner, Referral, ResidentIdentity
from .selectors import contacts_visible_to
from .services.identities import identities_export, identity_purge, identity_read

# The admin lists 100 a page; a search finding more audits the first this many.
SEARCH_AUDIT_LIMIT = 500


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ContactCategory)
class ContactCategoryAdmin(admin.ModelAdmin):
    list_display = ["name_fr", "name_en", "slug", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_display_links = ["name_fr"]
    search_fields = ["name_fr", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}

    def has_delete_permission(self, request, obj=None):
        # Retired (inactive), never deleted: past contacts keep their category and the counts stay whole.
        return False


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "phone", "is_public", "is_active"]
    list_filter = ["kind", "is_public", "is_active", "services", "sectors"]
    search_fields = ["name", "address"]
    filter_horizontal = ["services", "languages", "sectors"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "website":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "sectors":
            from beats.models import Sector

            kwargs["queryset"] = Sector.objects.without_geometry().order_by("code")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        # A partner that received referrals is made inactive, not deleted (its referrals keep counting).
        if obj is not None and obj.referrals.exists():
            return False
        return super().has_delete_permission(request, obj)


class ReferralInline(ReadOnlyMixin, admin.TabularInline):
    model = Referral
    fields = [
        "partner",
        "to_social_worker",
        "status",
        "made_at",
        "accepted_at",
        "completed_at",
        "declined_at",
    ]
    readonly_fields = fields
    extra = 0


@admin.register(Contact)
class ContactAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only: contacts are logged and changed on the staff pages. Only the contacts the user may see."""

    list_display = ["pk", "when", "officer", "sector", "channel", "outcome", "would_have_called_911"]
    list_filter = ["channel", "outcome", "who", "would_have_called_911", "follow_up_done", "categories"]
    date_hierarchy = "when"
    list_select_related = ["officer", "sector"]
    fields = [
        "when",
        "officer",
        "sector",
        "channel",
        "who",
        "categories",
        "summary",
        "would_have_called_911",
        "outcome",
        "follow_up_due",
        "follow_up_done",
        "created_by",
        "created_at",
        "anonymised_at",
        "identity_link",
    ]
    readonly_fields = fields
    inlines = [ReferralInline]

    def get_queryset(self, request):
        return contacts_visible_to(request.user).select_related("officer", "sector").defer("sector__geometry")

    @admin.display(description=_("resident identity"))
    def identity_link(self, obj):
        # Never the identity itself here: it is read on the contact's staff page, where the read is audited.
        if not ResidentIdentity.objects.filter(contact=obj).exists():
            return _("none recorded")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("staff:contact", args=[obj.pk]),
            _("on the contact's page (audited)"),
        )

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if not request.user.has_perm("contacts.view_residentidentity"):
            fields.remove("identity_link")
        return fields


@admin.register(Referral)
class ReferralAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["pk", "contact", "target_display", "status", "made_at", "completed_at"]
    list_filter = ["status", "to_social_worker", "partner"]
    date_hierarchy = "made_at"
    fields = [
        "contact",
        "partner",
        "to_social_worker",
        "status",
        "outcome",
        "made_at",
        "accepted_at",
        "completed_at",
        "declined_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        visible = contacts_visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(contact__in=visible).select_related("partner", "contact")

    @admin.display(description=_("referred to"))
    def target_display(self, obj):
        return obj.target


@admin.register(ResidentIdentity)
class ResidentIdentityAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """For the privacy officer: find a person's records (search by name, phone or e-mail; the list shows no
    identity), read one (audited), export them for an access request (audited), purge (audited)."""

    list_display = ["__str__", "contact_link", "consent_at"]
    search_fields = ["name", "phone", "email"]
    fields = ["contact_link", "name", "phone", "email", "consent_given", "consent_at", "created_at"]
    readonly_fields = fields
    actions = ["export_selected", "purge_selected"]

    def get_queryset(self, request):
        visible = contacts_visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(contact__in=visible).select_related("contact")

    def has_view_permission(self, request, obj=None):
        # Searching identities by name or number is for access requests: the privacy officer's (and the
        # administrators'). Officers and supervisors read an identity on the contact's page, audited there.
        return request.user.has_perm("contacts.export_residentidentity") and super().has_view_permission(
            request, obj
        )

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def get_search_results(self, request, queryset, search_term):
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            # A search by name or number tells who is on record: each record found is an audited read.
            IdentityAccess.objects.bulk_create(
                IdentityAccess(
                    user=request.user, contact_id=contact_id, action=IdentityAccess.Action.READ, note="search"
                )
                for contact_id in queryset.values_list("contact_id", flat=True)[:SEARCH_AUDIT_LIMIT]
            )
        return queryset, duplicates

    @admin.display(description=_("contact"))
    def contact_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("staff:contact", args=[obj.contact_id]), obj.contact
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("contacts.export_residentidentity"):
            actions.pop("export_selected", None)
        if not request.user.has_perm("contacts.delete_residentidentity"):
            actions.pop("purge_selected", None)
        return actions

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            identity = self.get_object(request, object_id)
            if identity is not None:
                identity_read(contact=identity.contact, user=request.user)
        return response

    @admin.action(description=_("Export the selected people's data (access request, CSV)"))
    def export_selected(self, request, queryset):
        queryset = queryset.select_related("contact__sector", "contact__officer").prefetch_related(
            "contact__categories", "contact__referrals__partner"
        )
        rows = identities_export(identities=queryset, actor=request.user)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="access-request.csv"'
        response["Cache-Control"] = "no-store"
        if rows:
            writer = csv.DictWriter(response, fieldnames=list(rows[0]))
            writer.writeheader()
            for row in rows:
                writer.writerow({key: neutralise_cell(value) for key, value in row.items()})
        return response

    @admin.action(description=_("Purge the selected identities (the contacts stay, anonymous)"))
    def purge_selected(self, request, queryset):
        count = 0
        for identity in queryset.select_related("contact"):
            identity_purge(identity=identity, actor=request.user, note="privacy officer")
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d identity purged.", "%(count)d identities purged.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(IdentityAccess)
class IdentityAccessAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The audit trail: read-only for everyone, never deleted through the application."""

    list_display = ["at", "user", "action", "contact_id", "note"]
    list_filter = ["action", "at"]
    search_fields = ["user__username", "contact__id"]
    date_hierarchy = "at"
    list_select_related = ["user"]
    fields = ["at", "user", "action", "contact", "note"]
    readonly_fields = fields
