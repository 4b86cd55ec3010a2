"""Django's makemessages, also collecting ``pgettext_noop`` (``racing.i18n``): the
race-specific jersey names of the pure core's registry."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [
        *makemessages.Command.xgettext_options,
        "--keyword=pgettext_noop:1c,2",
    ]
