"""The Redis cache as a convenience: a dead or hanging Redis never fails or stalls a page.

Every cache call goes through ``ForgivingRedisCache``: on any error it logs, answers as a cache miss
(``get`` returns the default, ``set`` does nothing) and stops asking Redis for ``PAUSE_SECONDS``, so
that a Redis that hangs costs one request its socket timeout, not every request. Pages compute what
they would have found in the cache; nothing is lost, only time.
"""

from __future__ import annotations

import functools
import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

PAUSE_SECONDS = 30.0

_lock = threading.Lock()
_paused_until = {"moment": 0.0}


def _paused() -> bool:
    return time.monotonic() < _paused_until["moment"]


def _pause(error: Exception, method: str) -> None:
    with _lock:
        _paused_until["moment"] = time.monotonic() + PAUSE_SECONDS
    logger.warning("Cache unavailable (%s in %s); pages go without it for %d s.", error, method, PAUSE_SECONDS)


def resume() -> None:
    """Ask Redis again from the next call on (tests; an operator could too)."""
    _paused_until["moment"] = 0.0


# The answer of each method when Redis is away: what an empty cache would say.
_MISS = {
    "add": False,
    "delete": False,
    "delete_many": None,
    "get_many": {},
    "has_key": False,
    "set": None,
    "set_many": [],
    "touch": False,
    "clear": None,
}


def _forgiving(method: str, miss):
    original = getattr(RedisCache, method)

    def answer_as_miss(args, kwargs):
        if method == "get":  # get(key, default=None)
            return kwargs.get("default", args[1] if len(args) > 1 else None)
        return miss

    @functools.wraps(original)
    def wrapper(self, *args, **kwargs):
        if _paused():
            return answer_as_miss(args, kwargs)
        try:
            return original(self, *args, **kwargs)
        except Exception as error:  # redis' ConnectionError, TimeoutError, a broken pool …
            _pause(error, method)
            return answer_as_miss(args, kwargs)

    return wrapper


class ForgivingRedisCache(RedisCache):
    """Django's Redis cache, answering as a miss while Redis is away."""


for _method, _miss in {**_MISS, "get": None}.items():
    setattr(ForgivingRedisCache, _method, _forgiving(_method, _miss))
