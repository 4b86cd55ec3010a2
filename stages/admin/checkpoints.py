"""A checkpoint's form, in its own admin page and inline on its stage's: a climb's
``scale`` among the edition's scales, and a name no other checkpoint of the stage
has, case and accents ignored ("Jaizkibel" and "JAIZKIBEL" are one), each refused
as an error of its field (``services.checkpoints``) rather than at the save."""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from stages.forms import RowTokenForm, RowTokenInline
from stages.models import Checkpoint
from stages.services.checkpoints import checkpoint_problems, names_problems

SCALE_HELP = _(
    "Climbs only: the climb points scale of the edition's rules this climb scores "
    "on when it is not its category's (summit-1, top). Blank: its category's."
)
FIELDS = ["kind", "name", "km", "category", "multiplier", "altitude_m", "scale"]


class CheckpointForm(RowTokenForm):
    """One checkpoint; ``stored_names``: its name is compared with the stored
    checkpoints of its stage (off in the inline, whose formset compares its
    rows, which are all of the stage's checkpoints)."""

    stored_names = True

    class Meta:
        model = Checkpoint
        fields = ["stage", *FIELDS]
        help_texts = {"scale": SCALE_HELP}

    def clean(self):
        """The services' checks on the checkpoint as the form would save it; an
        error of a field keeps the model from checking it again (a name already
        stored is then said once, in these words)."""
        data = super().clean()
        probe = copy.copy(self.instance)
        for name in ("stage", "kind", "name", "scale"):
            if name in data:
                setattr(probe, name, data[name])
        if "stage" in self.fields and "stage" not in data:
            return data  # no stage to compare with: its field says why
        problems = checkpoint_problems(probe, check_names=self.stored_names)
        for name, message in problems.items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, ValidationError(message, code=name))
        return data


class InlineCheckpointForm(CheckpointForm):
    stored_names = False


class CheckpointFormSet(forms.BaseInlineFormSet):
    """A stage's checkpoints: a row added or renamed with the name of another
    (case and accents ignored) is refused, naming the other; two stored rows
    that already share a name (from before the rule) are left to be fixed."""

    def clean(self):
        super().clean()
        kept = {
            f"row {i}": form
            for i, form in enumerate(self.forms, 1)
            if getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("name")
            and not form.cleaned_data.get("DELETE")
        }
        named = [(label, form.cleaned_data["name"]) for label, form in kept.items()]
        written = {
            label
            for label, form in kept.items()
            if form.instance.pk is None or "name" in form.changed_data
        }
        for label, message in names_problems(named, written).items():
            kept[label].add_error("name", ValidationError(message, code="name"))


class CheckpointInline(RowTokenInline):
    model = Checkpoint
    form = InlineCheckpointForm
    formset = CheckpointFormSet
    fields = FIELDS
    extra = 0
