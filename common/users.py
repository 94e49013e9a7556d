"""The users that services and selectors are given, as types for their signatures.

The project keeps Django's own User model (no AUTH_USER_MODEL of its own). Import this module from services
and selectors, not at the top of models (the auth models must be loaded first).
"""

from django.contrib.auth.models import AnonymousUser, User

# request.user: a signed-in account or an anonymous visitor.
AnyUser = User | AnonymousUser
# Who acts in a service: an account (signed in or not), or nobody (a command, a task, the demo).
Actor = User | AnonymousUser | None
