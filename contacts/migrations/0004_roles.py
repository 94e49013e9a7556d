"""Who may do what with contacts: the "Privacy officer" role, and each role's grants.

Row-level rules (an officer sees the contacts they logged; `view_all_contacts` sees the team's) live in
contacts/selectors.py; these are the model-level permissions they start from.

- Officer: logs contacts and referrals, reads their own, with the identity of their own residents.
- Supervisor: the team's contacts and identities, closes referrals, keeps the partners and categories, counts.
- Analyst: counts only (`view_contact_statistics`); never a contact, a summary or an identity.
- Privacy officer: identities, their audit trail, purges and access-request exports.
- Administrator: every permission of the app (the audit trail stays read-only for everyone: contacts/admin.py).
"""

from django.db import migrations

PRIVACY_OFFICER = "Privacy officer"

GRANTS = {
    "Administrator": ["contacts.*"],
    "Supervisor": [
        "contacts.add_contact",
        "contacts.change_contact",
        "contacts.view_contact",
        "contacts.view_all_contacts",
        "contacts.view_contact_statistics",
        "contacts.add_referral",
        "contacts.change_referral",
        "contacts.view_referral",
        "contacts.add_residentidentity",
        "contacts.view_residentidentity",
        "contacts.add_partner",
        "contacts.change_partner",
        "contacts.view_partner",
        "contacts.add_contactcategory",
        "contacts.change_contactcategory",
        "contacts.view_contactcategory",
    ],
    "Officer": [
        "contacts.add_contact",
        "contacts.change_contact",
        "contacts.view_contact",
        "contacts.add_referral",
        "contacts.change_referral",
        "contacts.view_referral",
        "contacts.add_residentidentity",
        "contacts.view_residentidentity",
        "contacts.view_partner",
        "contacts.view_contactcategory",
    ],
    "Analyst": [
        "contacts.view_contact_statistics",
        "contacts.view_partner",
        "contacts.view_contactcategory",
    ],
    PRIVACY_OFFICER: [
        "contacts.view_contact",
        "contacts.view_all_contacts",
        "contacts.view_referral",
        "contacts.view_residentidentity",
        "contacts.delete_residentidentity",
        "contacts.export_residentidentity",
        "contacts.view_identityaccess",
    ],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("contacts")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.get_or_create(name=PRIVACY_OFFICER)
    for name, wanted in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:  # a service that deleted a role keeps it deleted
            continue
        for entry in wanted:
            app_label, codename = entry.split(".")
            found = Permission.objects.filter(content_type__app_label=app_label)
            if codename != "*":
                found = found.filter(codename=codename)
                if not found.exists():
                    raise LookupError(f"permission {entry} not found")
            group.permissions.add(*found)


def ungrant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.filter(name=PRIVACY_OFFICER).delete()
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="contacts"))


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0003_contacts_identities_referrals"),
        ("officers", "0003_languages_and_roles"),
    ]

    operations = [migrations.RunPython(grant, ungrant)]
