"""Staff pages about officers and coverage."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
@login_required
@permission_required("officers.view_coverage", raise_exception=True)
def coverage_board(request):
    return HttpResponse("coverage board: under construction")
