"""The demo's leaders' digests (领导摘要): the mayor chose a daily digest, the industry vice-mayor a
weekly one on Mondays. The last week up to the demo date is replayed at the morning job's hour, so
the mayor's inbox holds the week's daily digests (a day with nothing to act on has none) and the
vice-mayor's the Monday one of 2018-09-24; the preview on their profile shows the next."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from core import clock
from tasks.demo import DEMO_DATE
from tasks.models import User

from .choices import DigestFrequency
from .models import LeaderDigestPreference
from .services.leader_digest import send_leader_digests

CHOICES = {"mayor": (DigestFrequency.DAILY, 0), "vmayor_industry": (DigestFrequency.WEEKLY, 0)}
REPLAYED_DAYS = 7


def build_leader_digest_demo() -> int:
    """The two leaders' choices (a choice changed since is kept) and the week's digests; run twice,
    it sends nothing more. Returns how many digests it sent."""
    for username, (frequency, weekday) in CHOICES.items():
        user = User.objects.filter(username=username, is_active=True).first()
        if user is not None:
            LeaderDigestPreference.objects.get_or_create(
                user=user, defaults={"frequency": frequency, "weekday": weekday}
            )
    sent = 0
    hour = settings.ZMD_LEADER_DIGEST_TIME
    for back in range(REPLAYED_DAYS - 1, -1, -1):
        day = DEMO_DATE - dt.timedelta(days=back)
        with clock.replaying_at(timezone.make_aware(dt.datetime.combine(day, hour))):
            sent += send_leader_digests(day)["sent"]
    return sent
