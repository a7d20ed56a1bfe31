"""Form helpers every app uses: ``KeepsUploads``, so that a form that fails keeps its chosen files.

A form with file fields mixes in ``KeepsUploads`` and is built with ``uploader=request.user``.
When it fails (its own errors, or a rule broken that the view adds with ``add_error``), each file
that passed its field's checks is staged (``core.staged_uploads``) as the page is drawn; it shows
"已选择：x.pdf" under the file input, with a box to remove it, and carries the signed token in a
hidden input. Sent again, the staged files stand in for the ones not chosen again: a multi-file
field gets the staged files plus any new ones, a single-file field a new choice or else the staged
one. A token that is not the person's own, altered or older than a day is refused with a message;
nothing of another person's is ever read. After a successful save the view calls
``uploads_saved()`` to delete the staged copies.
"""

from __future__ import annotations

from django import forms
from django.forms.boundfield import BoundField
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import staged_uploads

from .markup import escaped

TOKEN_SUFFIX = "__staged"
REMOVE_SUFFIX = "__unstage"


def _values(mapping, key: str) -> list:
    if hasattr(mapping, "getlist"):
        return mapping.getlist(key)
    value = mapping.get(key)
    return [] if value is None else list(value) if isinstance(value, list | tuple) else [value]


def _multiple(field: forms.Field) -> bool:
    return getattr(field.widget, "allow_multiple_selected", False)


class StagedFilesBoundField(BoundField):
    """A file input followed by the files staged for it: a hidden token and a remove box for each."""

    def staged(self) -> list[staged_uploads.Staged]:
        return self.form.staged_for(self.name)

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.staged():
            attrs.pop("required", None)  # the staged file answers the field; choosing again is optional
        return attrs

    def as_widget(self, widget=None, attrs=None, only_initial=False):
        html = super().as_widget(widget, attrs, only_initial)
        staged = self.staged()
        if not staged:
            return html
        token_name, remove_name = self.html_name + TOKEN_SUFFIX, self.html_name + REMOVE_SUFFIX
        rows = format_html_join(
            "",
            '<li><input type="hidden" name="{}" value="{}">{}'
            ' <label class="staged-files__remove"><input type="checkbox" name="{}" value="{}"> {}</label></li>',
            (
                (token_name, item.token, _("Chosen: %(name)s") % {"name": item.name}, remove_name, item.token, REMOVE)
                for item in staged
            ),
        )
        return html + format_html(
            '<ul class="staged-files" aria-label="{}">{}</ul><p class="help">{}</p>',
            _("Files kept from your last attempt"),
            rows,
            _("Kept from your last attempt; no need to choose them again.")
            if _multiple(self.field)
            else _("Kept from your last attempt; choose another file only to replace it."),
        )


REMOVE = pgettext_lazy("a file kept from a failed form", "Remove")
REFUSED = _("A file chosen earlier has expired or is not yours. Please choose it again.")


class KeepsUploads:
    """Mix into a ``forms.Form`` with file fields; build it with ``uploader=request.user``."""

    bound_field_class = StagedFilesBoundField

    def __init__(self, *args, uploader=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.uploader = uploader if getattr(uploader, "is_authenticated", False) else None
        self.staged: dict[str, list[staged_uploads.Staged]] = {}
        self._refused: set[str] = set()
        self._claimed: list[staged_uploads.StagedFile] = []
        self._cleaned = False
        if self.is_bound:
            self._take_staged()

    def _file_fields(self):
        return [(name, field) for name, field in self.fields.items() if isinstance(field, forms.FileField)]

    def _take_staged(self) -> None:
        """Put the staged files the person kept into ``self.files``, beside what they chose now."""
        files = MultiValueDict({key: self.files.getlist(key) for key in self.files})
        for name, field in self._file_fields():
            key = self.add_prefix(name)
            removed = set(_values(self.data, key + REMOVE_SUFFIX))
            kept = []
            for token in _values(self.data, key + TOKEN_SUFFIX):
                staged_file = staged_uploads.claim(token, owner=self.uploader)
                if token in removed:  # dropped by the person: no error even if it had expired
                    if staged_file is not None:
                        staged_uploads.discard(staged_file)
                elif staged_file is None:
                    self._refused.add(name)
                else:
                    kept.append(staged_file)
                    self._claimed.append(staged_file)
            chosen = [f for f in files.getlist(key) if f]
            if _multiple(field):
                files.setlist(key, kept + chosen)
            elif not chosen and kept:
                files.setlist(key, kept[:1])
        self.files = files

    def full_clean(self):
        self._cleaned = False
        super().full_clean()
        if not self.is_bound:
            return
        for name in self._refused:
            self.add_error(name, REFUSED)
        self._cleaned = True

    def staged_for(self, name: str) -> list[staged_uploads.Staged]:
        """The files kept for field ``name``, staged when the failed form is shown (by then every
        error is known, the view's rule errors included)."""
        if name not in self.staged and self._cleaned and self._errors:
            self.keep_uploads()
        return self.staged.get(name, [])

    def keep_uploads(self) -> None:
        """Stage this submit's files that passed their field's checks, to be shown on the page again."""
        if not self.is_bound or self.uploader is None:
            return
        for name, field in self._file_fields():
            if name in self.staged:
                continue
            if not _multiple(field) and name in self._errors:
                self.staged[name] = []  # the one file is what is wrong: nothing to keep
                continue
            kept = []
            for uploaded in [f for f in self.files.getlist(self.add_prefix(name)) if f]:
                if isinstance(uploaded, staged_uploads.StagedFile):
                    kept.append(uploaded.staged)
                    continue
                try:
                    field.clean([uploaded] if _multiple(field) else uploaded)
                except forms.ValidationError:
                    continue
                staged = staged_uploads.stage(uploaded, owner=self.uploader)
                if staged is not None:
                    kept.append(staged)
            self.staged[name] = kept

    def uploads_saved(self) -> None:
        """The form was saved: the staged copies it used are no longer needed."""
        for staged_file in self._claimed:
            staged_uploads.discard(staged_file)
        self._claimed = []


def _attributes(attrs: dict) -> str:
    """Attributes as Django's widget template writes them: ``True`` bare, ``False`` left out."""
    return "".join(
        f" {escaped(name)}" if value is True else f' {escaped(name)}="{escaped(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class PlainSelect(forms.Select):
    """A select of plain options written in Python as Django's templates write it, rather than
    through an included template for each option: a filter bar's choice of a province's 900 units
    spent most of the ledger's time there. Options in groups are left to Django."""

    def render(self, name, value, attrs=None, renderer=None) -> str:
        choices = list(iter(self.choices))  # not list(choices): a model choice's length is a count query
        if any(isinstance(label, list | tuple) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        context = self.get_context(name, value, attrs, optgroups=False)["widget"]
        chosen, selected = set(context["value"]), False
        parts = [f'<select name="{escaped(name)}"{_attributes(context["attrs"])}>']
        for option_value, label in choices:
            text = "" if option_value is None else str(option_value)
            # As ``optgroups``: the first option of the value is the selected one.
            mark = " selected" if not selected and text in chosen else ""
            selected = selected or bool(mark)
            parts.append(f'\n  <option value="{escaped(text)}"{mark}>{escaped(label)}</option>\n')
        parts.append("\n</select>")
        return mark_safe("".join(parts))

    def get_context(self, name, value, attrs, *, optgroups: bool = True):
        if optgroups:
            return super().get_context(name, value, attrs)
        # The widget's own context without its options (``render`` writes them from the choices).
        return forms.Widget.get_context(self, name, value, attrs)
