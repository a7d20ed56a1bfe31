"""The header's inbox badge: the person's unread messages that still ask something (not those of
notices closed since), counted only if a page shows it."""

from django.utils.functional import cached_property

from .models import InboxMessage


class _Inbox:
    def __init__(self, user):
        self._user = user

    @cached_property
    def unread(self) -> int:
        return InboxMessage.objects.for_user(self._user).waiting().count()


def inbox(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"zmd_inbox": _Inbox(user)}
