"""A page fragment rendered once per content: long tables (a province's 900 units) whose rows
change far less often than they are read.

The key is a digest of everything the fragment shows (the rows' figures, the year, the scope, the
language) and of the template's own source, so a change to any figure, a translation or a deployed
template gives a new key and the fragment is rendered again: there is nothing to invalidate and
nothing stale to serve. Rendering 1,700 rows of a ranking took 300 ms; hashing their figures, 2 ms.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
from functools import cache as once
from functools import lru_cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template, render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

PREFIX = "fragment:v1:"
TIMEOUT = 24 * 3600  # a key names content; keys no page asks for again expire


def _source_digest(template_name: str) -> str:
    source = get_template(template_name).template.source
    return hashlib.sha256(source.encode()).hexdigest()[:16]


_deployed_digest = once(_source_digest)  # a deployment's templates change only with a restart


def _template_digest(template_name: str) -> str:
    """The template's source: read once per process, except while developing (DEBUG), where a
    template edited under the running server must render afresh."""
    return _source_digest(template_name) if settings.DEBUG else _deployed_digest(template_name)


def _catalogue_digest() -> str:
    """The compiled translations (every ``django.mo`` Django reads): a deployment that changes only
    a translation must not serve the old wording from a kept fragment."""
    folders = [*map(str, settings.LOCALE_PATHS), *(f"{app.path}/locale" for app in apps.get_app_configs())]
    digest = hashlib.sha256()
    for folder in sorted(set(folders)):
        for path in sorted(Path(folder).glob("*/LC_MESSAGES/django.mo")):
            digest.update(str(path).encode() + path.read_bytes())
    return digest.hexdigest()[:12]


_deployed_catalogue = once(_catalogue_digest)


def language_key() -> str:
    """The language and its catalogue, as a key names them (read afresh while developing)."""
    return f"{get_language()}.{_catalogue_digest() if settings.DEBUG else _deployed_catalogue()}"


def fragment_key(template_name: str, content, includes: tuple[str, ...] = ()) -> str:
    """``content``: every value the fragment shows, as plain data whose ``repr`` is stable
    (numbers, Decimals, dates, strings, tuples, lists); ``includes``: the templates it includes."""
    digest = hashlib.sha256(repr(content).encode()).hexdigest()[:32]
    sources = "".join(_template_digest(name) for name in (template_name, *includes))
    return f"{PREFIX}{template_name}:{hashlib.sha256(sources.encode()).hexdigest()[:16]}:{language_key()}:{digest}"


@once
def _module_digest(module_name: str) -> str:
    source = inspect.getsource(importlib.import_module(module_name))
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def written_key(name: str, content, modules: tuple[str, ...]) -> str:
    """``fragment_key`` for markup written in Python (rows too many for a template): ``modules``,
    whose source stands for the template's, are those that write it (a deployment changing any of
    them restarts the process, and the key changes with it)."""
    digest = hashlib.sha256(repr(content).encode()).hexdigest()[:32]
    sources = "".join(_module_digest(module) for module in modules)
    return f"{PREFIX}{name}:{hashlib.sha256(sources.encode()).hexdigest()[:16]}:{language_key()}:{digest}"


def rendered_once(template_name: str, context: dict, content, *, includes: tuple[str, ...] = ()) -> SafeString:
    """``template_name`` rendered with ``context``, or the text rendered before for the same
    ``content`` (which must determine everything the template shows from ``context``). Rendered
    without the request: a fragment shared by its readers shows nothing of the reader's own."""
    return rendered_under(fragment_key(template_name, content, includes), template_name, context)


def rendered_under(key: str, template_name: str, context: dict) -> SafeString:
    """``rendered_once`` for a caller that already holds the ``fragment_key`` (and keys more text
    by it, see ``kept_text``): the content is hashed once."""
    text = kept_text(key, lambda: render_to_string(template_name, context))
    return mark_safe(text)  # the template's own output, escaped when it was rendered


@lru_cache(maxsize=2048)
def _rendered_from(template_name: str, source: str, language: str, script_prefix: str, values: tuple) -> str:
    # ``source`` and ``script_prefix`` are keys only: the template rendered is the one loaded now,
    # under the prefix ``reverse`` uses now, which are those the key names.
    return get_template(template_name).render(dict(values))


def rendered_per_values(template_name: str, values: dict) -> SafeString:
    """``template_name`` rendered with ``values`` and nothing else, kept in this process under
    exactly those values, the language, the script prefix and the template's source: what every
    page repeats for each reader alike (the site's navigation: 35 links a page, 2 ms). The values
    must be hashable plain data and the template must read nothing but them (no request, no
    context processor): then the key is everything the text shows and nothing can be stale."""
    key = tuple(sorted(values.items()))
    text = _rendered_from(template_name, _template_digest(template_name), language_key(), get_script_prefix(), key)
    return mark_safe(text)  # the template's own output, escaped when it was rendered


def kept_text(key: str, make) -> str:
    """``make()``'s text, kept under ``key``: a key that names everything the text derives from (a
    ``fragment_key``, or one with a suffix of its own; a kept ranking's key), so it is never stale."""
    text = cache.get(key)
    if text is None:
        text = make()
        cache.set(key, text, TIMEOUT)
    return text
