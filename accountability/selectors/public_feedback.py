"""What the public page shows of the public's channel: per target, how many comments and clues came
in and how many were answered, and the answered ones (their text and answer; never a contact)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from ..choices import FeedbackKind, FeedbackStatus
from ..models import PublicFeedback


@dataclass
class TargetCount:
    code: str
    title: str
    received: int = 0
    answered: int = 0


@dataclass
class PublicFeedbackSummary:
    targets: list[TargetCount] = field(default_factory=list)
    whole: TargetCount = field(default_factory=lambda: TargetCount("", ""))
    answered: list[dict] = field(default_factory=list)


def public_feedback(disclosure, snapshot: dict) -> PublicFeedbackSummary:
    """Two queries when ``disclosure`` is given; none for a publication nobody has written about."""
    summary = PublicFeedbackSummary(
        targets=[TargetCount(p["code"], p["title"]) for p in snapshot.get("livelihood", []) if p.get("code")]
    )
    if disclosure is None:
        return summary
    by_code = {row.code: row for row in summary.targets}
    rows = (
        PublicFeedback.objects.filter(disclosure=disclosure)
        .values("target_code")
        .annotate(received=Count("pk"), answered=Count("pk", filter=Q(status=FeedbackStatus.ANSWERED)))
        .order_by()
    )
    for row in rows:
        count = by_code.get(row["target_code"], summary.whole) if row["target_code"] else summary.whole
        count.received += row["received"]
        count.answered += row["answered"]
    # Only these fields leave the table: never the contact, the photo or the address fingerprint.
    summary.answered = list(
        PublicFeedback.objects.answered()
        .filter(disclosure=disclosure)
        .order_by("closed_at", "pk")
        .values("pk", "kind", "target_title", "text", "answer", "received_at", "closed_at")
    )
    for row in summary.answered:
        row["kind_label"] = str(FeedbackKind(row["kind"]).label)
    return summary
