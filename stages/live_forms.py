"""The live desk's forms (``stages.admin.live``): a ticker entry, the race
situation (km to go and a few rows of groups on the road) and the arrivals paste.

They only read what an editor types, fast: bibs as pasted (``12, 41 7``), a gap
as ``M:SS``, ``H:MM:SS`` or seconds, km to go with ``.`` or ``,``. What needs the
race (unknown bibs, a rider already out or listed twice, a gap going backwards,
km to go below zero or beyond the stage) is checked by ``stages.services.live``
under the race's lock, which refuses with its reasons."""

import re
from datetime import datetime, time
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from live.models import GROUP_NAME_MAX_LENGTH, KM_MAX, TEXT_MAX_LENGTH, TickerEntry
from racing import live
from racing.timefmt import TimeFormatError, parse_clock
from stages.queries.live import Situation
from stages.services.live import TickerLine
from stages.services.writes import row_token

# Rows of groups the situation form offers beyond those on the road now.
GROUP_ROWS = 6
SPARE_ROWS = 2

_SEPARATORS = re.compile(r"[\s,;]+")


def parse_bibs(text: str) -> tuple[int, ...]:
    """``"12, 41 7"`` -> (12, 41, 7), in the order pasted, repeats kept."""
    words = [w for w in _SEPARATORS.split(text.strip()) if w]
    wrong = [w for w in words if not w.isascii() or not w.isdigit()]
    if wrong:
        listed = ", ".join(f"“{w}”" for w in wrong[:5])
        raise ValidationError(
            _("Bibs are numbers separated by spaces or commas: %(listed)s is not.")
            % {"listed": listed},
            code="bibs",
        )
    return tuple(int(w) for w in words)


def parse_km(text: str) -> Decimal | None:
    """``"12.5"`` or ``"12,5"`` -> Decimal("12.5"); blank -> None. A value below
    zero is read (the service says what is wrong with it)."""
    text = text.strip().removesuffix("km").strip().replace(",", ".")
    if not text:
        return None
    try:
        km = Decimal(text)
    except InvalidOperation:
        km = None
    if km is None or not km.is_finite():
        raise ValidationError(
            _("“%(text)s” is not a distance: write km to go as 12.5 or 12,5.")
            % {"text": text},
            code="km",
        )
    if abs(km) > KM_MAX:  # before quantize, which fails on huge exponents
        raise ValidationError(
            _("Km to go is at most %(max)s.") % {"max": number_format(KM_MAX)},
            code="km",
        )
    if km != km.quantize(Decimal("0.1")):
        raise ValidationError(_("Km to go takes one decimal at most."), code="km")
    return km.quantize(Decimal("0.1"))


def parse_gap(text: str) -> int | None:
    """``"1:20"``, ``"+1:20"``, ``"1:02:00"`` or ``"80"`` -> seconds; blank ->
    None. A minus sign is read (the service refuses a negative gap)."""
    text = text.strip().removeprefix("+").strip()
    if not text:
        return None
    sign = -1 if text.startswith("-") else 1
    body = text.removeprefix("-").strip()
    if body.isascii() and body.isdigit():
        return sign * int(body)
    try:
        seconds, hundredths = parse_clock(body)
    except TimeFormatError:
        seconds, hundredths = None, None
    if seconds is None or hundredths is not None:
        raise ValidationError(
            _("“%(text)s” is not a gap: write M:SS (1:20), H:MM:SS or seconds (80).")
            % {"text": text},
            code="gap",
        )
    return sign * seconds


class _ParsedField(forms.CharField):
    parse = staticmethod(lambda text: text)

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        return self.parse(super().clean(value))


class BibsField(_ParsedField):
    parse = staticmethod(parse_bibs)

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 2000)
        super().__init__(**kwargs)


class KmField(_ParsedField):
    parse = staticmethod(parse_km)

    def __init__(self, **kwargs):
        attrs = {"size": 5, "inputmode": "decimal", "autocomplete": "off"}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        kwargs.setdefault("max_length", 12)
        super().__init__(**kwargs)


class GapField(_ParsedField):
    parse = staticmethod(parse_gap)


def _text_input(size: int, **attrs) -> forms.TextInput:
    return forms.TextInput(attrs={"size": size, "autocomplete": "off", **attrs})


def _bibs_text(bibs) -> str:
    return " ".join(str(b) for b in bibs)


def _local_time(moment: datetime) -> time:
    return timezone.localtime(moment).time().replace(microsecond=0)


class TickerForm(forms.Form):
    """A new ticker entry, or a correction of ``entry`` (``editing``)."""

    prefix = "ticker"

    text = forms.CharField(
        label=_("Text"),
        max_length=TEXT_MAX_LENGTH,
        error_messages={"required": _("Write the ticker text.")},
        help_text=_("Markdown inline: *emphasis*, **strong**, [a link](https://…)."),
        widget=_text_input(60, autofocus=True),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=TickerEntry.Kind.choices, initial="other"
    )
    km_to_go = KmField(label=_("Km to go"))
    at = forms.TimeField(
        label=_("Time of day"),
        required=False,
        help_text=_("Blank: now."),
        widget=forms.TimeInput(
            format="%H:%M:%S",
            attrs={"size": 8, "placeholder": _("now"), "autocomplete": "off"},
        ),
    )
    bibs = BibsField(label=_("Riders (bibs)"), widget=_text_input(14))
    entry = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # The entry as the form was opened: a correction saved over another
    # editor's is refused (``stages.services.writes.expecting``).
    token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, entry: TickerEntry | None = None, **kwargs):
        if entry is not None and not args and "data" not in kwargs:
            kwargs["initial"] = {
                "text": entry.text,
                "kind": entry.kind,
                "km_to_go": "" if entry.km_to_go is None else str(entry.km_to_go),
                "at": _local_time(entry.at),
                "bibs": _bibs_text(sorted(r.bib for r in entry.riders.all())),
                "entry": entry.pk,
                "token": row_token(entry),
            }
        super().__init__(*args, **kwargs)
        self.editing = entry

    def line(self) -> TickerLine:
        data = self.cleaned_data
        bibs = tuple(dict.fromkeys(data["bibs"] or ()))  # a repeat is one rider
        return TickerLine(
            text=data["text"],
            kind=data["kind"],
            km_to_go=data["km_to_go"],
            at=self.moment(data["at"]),
            bibs=bibs,
        )

    def moment(self, at: time | None) -> datetime | None:
        """The time of day on the entry's own day (today for a new entry); None
        keeps the stored time (a correction) or takes now (a new entry)."""
        if at is None:
            return None
        if self.editing is None:
            day = timezone.localdate()
        elif at == _local_time(self.editing.at):
            return None  # unchanged: the stored time, to the microsecond
        else:
            day = timezone.localtime(self.editing.at).date()
        return timezone.make_aware(datetime.combine(day, at))


class GroupRowForm(forms.Form):
    """One group on the road; a row left blank is no group."""

    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=GROUP_NAME_MAX_LENGTH,
        widget=_text_input(12),
    )
    bibs = BibsField(label=_("Riders (bibs)"), widget=_text_input(22))
    gap = GapField(
        label=_("Gap"), max_length=12, widget=_text_input(7, placeholder="M:SS")
    )
    rest = forms.BooleanField(required=False, label=_("Everyone else"))

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (
            data.get("name", "").strip()
            or data.get("bibs")
            or data.get("gap") is not None
            or data.get("rest")
        )

    def group(self) -> live.Group:
        data = self.cleaned_data
        return live.Group(
            name=data["name"].strip(),
            gap=data["gap"] or 0,
            bibs=data["bibs"] or (),
            rest=data["rest"],
        )


class BaseGroupRows(forms.BaseFormSet):
    def clean(self):
        """Every group but the head of the race needs its gap."""
        filled = [f for f in self.forms if f.is_valid() and not f.is_blank()]
        for form in filled[1:]:
            if form.cleaned_data["gap"] is None:
                form.add_error(
                    "gap", _("Give the gap to the head of the race (M:SS or seconds).")
                )

    def groups(self) -> list[live.Group]:
        return [f.group() for f in self.forms if not f.is_blank()]


class SituationForm(forms.Form):
    prefix = "situation"

    km_to_go = KmField(label=_("Km to go"))


def group_rows(data=None, situation: Situation | None = None) -> BaseGroupRows:
    """The rows of groups: the groups on the road now, then blank rows (at least
    :data:`GROUP_ROWS` in all)."""
    initial = [
        {
            "name": g.name,
            "bibs": _bibs_text(r.bib for r in g.riders),
            "gap": live.clock(g.gap) if position else "",
            "rest": g.rest,
        }
        for position, g in enumerate(situation.groups if situation else [])
    ]
    extra = max(GROUP_ROWS - len(initial), SPARE_ROWS)
    rows = forms.formset_factory(
        GroupRowForm, formset=BaseGroupRows, extra=extra, max_num=40, validate_max=True
    )
    return rows(data, initial=initial, prefix="group")


def situation_form(data=None, situation: Situation | None = None) -> SituationForm:
    km = situation.km_to_go if situation else None
    return SituationForm(data, initial={"km_to_go": "" if km is None else str(km)})


class ArrivalsForm(forms.Form):
    prefix = "arrivals"

    text = forms.CharField(
        label=_("Riders over the line"),
        strip=False,
        max_length=200_000,
        error_messages={"required": _("Paste the riders who have arrived first.")},
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "cols": 40,
                "spellcheck": "false",
                "aria-describedby": "arrivals-help",
            }
        ),
    )
