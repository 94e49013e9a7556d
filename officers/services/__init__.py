"""Writes about officers and coverage; keyword-only and transactional. Every change is audited.

* `officers` — an officer's record and photo;
* `assignments` — officers assigned to sectors, assignments ended or annotated, a sector given to another
  primary officer;
* `absences` — an officer away, and who covers meanwhile;
* `audit` — what every coverage change shares: its locks, its save, its row in the audit trail.
"""
