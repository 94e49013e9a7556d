"""The supervisors' workspace: officers, assignments, absences and their audit trail, in the Django admin.

Thin entry points: the forms (officers.forms) check what the services will check so that errors land on the
form, and every write goes through officers.services, which audits it. Assignments are history: they are
ended, never deleted. The sector page of beats is extended here (beats never imports officers).
"""

# Importing the modules registers their admin classes.
from . import absences, assignments, audit, officers, sectors  # noqa: F401
