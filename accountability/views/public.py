"""The public disclosure pages (/public/): no login, only what was published, one query a page
(two when a publication's page is rendered for the first time: the snapshot is read only then).

Each page reads the frozen snapshot of a publication, so it is cheap and the same for everyone:
it is sent with ``Cache-Control: public``, an ETag and Last-Modified, and answers 304 when the
visitor (or a proxy) already holds it. Nothing here touches the session or the user, so no cookie
varies the answer.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from django.core.cache import cache
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.http import Http404, HttpResponse
from django.template.loader import get_template, render_to_string
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from core.fragments import language_key

from ..choices import FeedbackStatus
from ..models import Disclosure, PublicFeedback
from ..selectors.public_feedback import public_feedback

MAX_AGE = 300
RENDERED_TIMEOUT = 24 * 3600
DETAIL_TEMPLATES = ("public/detail.html", "public/base.html", "public/_snapshot.html", "public/_feedback.html")
INDEX_FIELDS = ["title", "period_label", "as_of", "published_at", "corrects_id", "correction_note"]


def _cached(response, *, etag: str, last_modified):
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    return response


def _render(template: str, context: dict) -> HttpResponse:
    # Rendered without the request: no context processor runs, so neither the session nor the
    # user is touched and the answer does not vary by cookie.
    return HttpResponse(render_to_string(template, context))


def _corrections():
    return Disclosure.objects.published().filter(corrects=OuterRef("pk"))


def _feedback():
    return PublicFeedback.objects.filter(disclosure=OuterRef("pk")).order_by()


def index(request):
    disclosures = list(
        Disclosure.objects.published()
        .only(*INDEX_FIELDS)
        .annotate(corrected_by=Subquery(_corrections().values("pk")[:1]))
        .order_by("-published_at", "-pk")
    )
    fingerprint = "|".join(f"{d.pk}:{d.published_at.isoformat()}:{d.corrected_by}" for d in disclosures)
    etag = '"' + hashlib.sha256(fingerprint.encode()).hexdigest()[:32] + '"'
    last_modified = max((d.published_at for d in disclosures), default=None)
    stamp = int(last_modified.timestamp()) if last_modified else None
    conditional = get_conditional_response(request, etag=etag, last_modified=stamp)
    if conditional is not None:
        return _cached(conditional, etag=etag, last_modified=last_modified)
    response = _render("public/index.html", {"disclosures": disclosures})
    return _cached(response, etag=etag, last_modified=last_modified)


def detail(request, pk: int):
    disclosure = (
        Disclosure.objects.published()
        .filter(pk=pk)
        .defer("data")  # a province's snapshot is megabytes of JSON: read only to render it
        .annotate(
            corrected_by=Subquery(_corrections().values("pk")[:1]),
            corrected_at=Subquery(_corrections().values("published_at")[:1]),
            corrects_title=F("corrects__title"),
            # What the public sent changes the page (counts, answers): its last change is in the key.
            feedback_changed_at=Subquery(_feedback().order_by("-changed_at").values("changed_at")[:1]),
            feedback_counts=Subquery(
                _feedback()
                .values("disclosure")
                .annotate(n=Count("pk") * 100000 + Count("pk", filter=Q(status=FeedbackStatus.ANSWERED)))
                .values("n")[:1]
            ),
        )
        .first()
    )
    if disclosure is None:
        raise Http404
    # The snapshot never changes; what may is whether a correction has since been published, and
    # what the public sent (counts and answers).
    feedback_stamp = int(disclosure.feedback_changed_at.timestamp() * 1000) if disclosure.feedback_changed_at else 0
    # Received and answered counts too: two changes may share a moment.
    feedback_key = f"{feedback_stamp}.{disclosure.feedback_counts or 0}"
    etag = f'"{disclosure.digest[:24]}-{disclosure.corrected_by or 0}-{feedback_key}"'
    last_modified = max(
        filter(None, [disclosure.published_at, disclosure.corrected_at, disclosure.feedback_changed_at])
    )
    conditional = get_conditional_response(request, etag=etag, last_modified=int(last_modified.timestamp()))
    if conditional is not None:
        return _cached(conditional, etag=etag, last_modified=last_modified)
    # Rendering a city's snapshot takes most of the answer's time (3,000 translated cells): the
    # HTML is kept, under a key that names everything it is made of, so nothing invalidates it.
    # Only when it is not kept is the snapshot read (one more query).
    key = f"public-detail:{disclosure.pk}:{etag}:{language_key()}:{_templates_fingerprint()}"
    body = cache.get(key)
    if body is None:
        snapshot = disclosure.data
        # No query when nobody has sent anything yet.
        feedback = public_feedback(disclosure, snapshot) if feedback_stamp else public_feedback(None, snapshot)
        body = render_to_string(
            "public/detail.html", {"disclosure": disclosure, "snapshot": snapshot, "feedback": feedback}
        )
        cache.set(key, body, RENDERED_TIMEOUT)
    return _cached(HttpResponse(body), etag=etag, last_modified=last_modified)


@functools.cache
def _templates_fingerprint() -> str:
    """The detail page's templates as they are in this release (a changed template is a new key)."""
    digest = hashlib.sha256()
    for name in DETAIL_TEMPLATES:
        digest.update(Path(get_template(name).origin.name).read_bytes())
    return digest.hexdigest()[:12]
