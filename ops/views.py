"""/healthz for the load balancer and the monitoring, /metrics for Prometheus.

Neither needs a login nor says anything about a person: no session is read or written, no CSP
applies (JSON and plain text), and the idle timeout never sees them (it acts on a logged-in session).
"""

from __future__ import annotations

import hmac

from csp.decorators import csp_exempt
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_prometheus.exports import ExportToDjangoView

from .health import check_database, run_checks


@csp_exempt()
@never_cache
@require_safe
def healthz(request):
    """200 when every check passes, 503 when one fails; each check's answer in the body."""
    checks = run_checks()
    healthy = all(check.ok for check in checks)
    body = {"status": "ok" if healthy else "failing", "checks": {check.name: check.as_dict() for check in checks}}
    return JsonResponse(body, status=200 if healthy else 503)


@csp_exempt()
@never_cache
@require_safe
def healthz_live(request):
    """Only that this process answers and reaches the database: the containers' own health check,
    which must not take a web replica out because last night's scan did not run."""
    checks = run_checks([check_database])
    healthy = all(check.ok for check in checks)
    return JsonResponse({"status": "ok" if healthy else "failing"}, status=200 if healthy else 503)


def metrics_allowed(request) -> bool:
    """With ZMD_METRICS_TOKEN set, only "Authorization: Bearer <token>"; without it, development only."""
    token = settings.ZMD_METRICS_TOKEN
    if not token:
        return not settings.PRODUCTION
    given = request.headers.get("Authorization", "")
    scheme, _space, value = given.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), token.encode())


@csp_exempt()
@never_cache
@require_safe
def metrics(request):
    if not metrics_allowed(request):
        return HttpResponse("Forbidden: /metrics needs the bearer token of ZMD_METRICS_TOKEN.\n", status=403,
                            content_type="text/plain; charset=utf-8")  # fmt: skip
    return ExportToDjangoView(request)
