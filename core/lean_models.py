"""Model instances built as ``Model.__init__`` would build them, without its per-field work.

``Model.__init__`` sets each field through ``setattr`` and the field's descriptor, checks its
keyword arguments and sends ``pre_init`` and ``post_init``: for a model of 30 columns, most of what
it costs to load or draft one row. The nightly scan loads and drafts thousands (a province night
reads 5,700 assignments with their targets and units and 3,300 warnings, and drafts 5,700
notices), where this was a tenth of its Python.

Putting the values into the instance's ``__dict__`` is what the descriptors do for the fields
these models have (plain attributes; a foreign key's id). So the lean path is taken only when it
gives the same instance: the model keeps ``Model.__init__`` and nothing listens for its
``pre_init`` or ``post_init`` (an ``ImageField`` does, and so may a test); otherwise Django's own.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init


def built_by_django(model: type[models.Model]) -> bool:
    """Whether an instance of ``model`` must go through ``Model.__init__`` to be the same instance."""
    overridden = model.__init__ is not models.Model.__init__
    return overridden or pre_init.has_listeners(model) or post_init.has_listeners(model)


def instance_from_values(
    model: type[models.Model], attnames: Iterable[str], values: Iterable, *, db: str | None = None
) -> models.Model:
    """An instance of ``model`` holding ``values`` under ``attnames`` (any attribute left out is
    deferred, as Django leaves it); with ``db``, as read from that database, else new (unsaved).
    Only where ``built_by_django(model)`` is false."""
    instance = model.__new__(model)
    instance.__dict__.update(zip(attnames, values, strict=True))
    state = instance._state = ModelState()
    if db is not None:
        state.adding, state.db = False, db
    return instance


class LeanLoading(models.Model):
    """A model read in the thousands: its rows become instances by ``instance_from_values``.

    ``from_db`` is Django's documented hook for how a row becomes an instance (``Model.from_db``);
    ``field_names`` are the attribute names of the values, in their order, whether or not fields
    were deferred."""

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        if built_by_django(cls):
            return super().from_db(db, field_names, values)
        return instance_from_values(cls, field_names, values, db=db)
