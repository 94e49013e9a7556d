"""Every write to contacts, identities and referrals; keyword-only and transactional.

* `contacts` — a contact logged or changed: checked, placed in its sector, with its identity and referrals;
* `referrals` — a referral made to a partner or the social worker, and its status moving on;
* `identities` — a resident's identity read, purged or exported, each access written to the audit trail;
* `retention` — what identifies people destroyed once contacts are older than CONTACTS_RETENTION_MONTHS.

Nothing here logs a summary, a name, a phone number or an e-mail: log lines carry ids and counts only.
"""
