"""Django's own wording for the messages DRF translates differently.

DRF ships a zh_Hans catalog, and an app's catalog outranks Django's own: without these lines every
form of the site would say 该字段是必填项 where it said 这个字段是必填项. The project's catalog
(locale/) outranks both, so these msgids, translated there as Django translates them, keep one
wording for one message (tests/test_words.py). Never called: only here for makemessages."""

from django.utils.translation import gettext_noop

DJANGO_WORDING = [
    gettext_noop("This field is required."),
    gettext_noop("Enter a valid URL."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("No file was submitted."),
    gettext_noop("The submitted file is empty."),
    gettext_noop("Upload a valid image. The file you uploaded was either not an image or a corrupted image."),
    gettext_noop("Value must be valid JSON."),
]
