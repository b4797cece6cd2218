"""The self-service forms: the two ways to sign in, and a return or warranty request."""

import email_validator
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tresen.commerce.models import ClaimKind, ClaimReason, ItemCondition

from .forms import checked_token, new_token

WARRANTY_REASONS = ("defect", "damaged", "not_as_described", "other")


class LinkForm(forms.Form):
    email = forms.CharField(label=_("Email address"), max_length=254)

    def clean_email(self) -> str:
        try:
            checked = email_validator.validate_email(
                self.cleaned_data["email"].strip(), check_deliverability=False
            )
        except email_validator.EmailNotValidError as error:
            raise ValidationError(_("Please check your email address.")) from error
        return checked.normalized.lower()  # as orders keep it


class OrderForm(forms.Form):
    number = forms.CharField(label=_("Order number"), max_length=60)
    email_or_postcode = forms.CharField(
        label=_("Email address or postcode of the delivery address"), max_length=254
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].error_messages["required"] = _("Please enter your order number.")
        self.fields["email_or_postcode"].error_messages["required"] = _(
            "Please enter the email address or the postcode of the order."
        )


class ClaimForm(forms.Form):
    """One quantity field per item that can still be claimed (`qty_<item id>`)."""

    kind = forms.ChoiceField(
        label=_("What would you like?"),
        choices=[
            (ClaimKind.RETURN, _("Return for a refund")),
            (ClaimKind.EXCHANGE, _("Exchange for another size or colour")),
        ],
        widget=forms.RadioSelect,
        initial=ClaimKind.RETURN,
    )
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[("", _("Please choose")), *ClaimReason.choices],
        error_messages={"required": _("Please choose a reason.")},
    )
    condition = forms.ChoiceField(
        label=_("Condition of the items"),
        choices=[("", _("Please choose")), *ItemCondition.choices],
        required=False,
    )
    description = forms.CharField(
        label=_("What is wrong?"), max_length=5000, required=False, widget=forms.Textarea
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, kind: str, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.claim_kind = kind
        self.lines = [(item, left) for item, left in lines if left > 0]
        if kind == ClaimKind.WARRANTY:
            del self.fields["kind"]
            self.fields["reason"].choices = [
                c for c in self.fields["reason"].choices if c[0] in ("", *WARRANTY_REASONS)
            ]
            self.fields["description"].required = True
            self.fields["description"].label = _("Describe the defect")
            self.fields["description"].error_messages["required"] = _("Please describe the defect.")
        else:
            self.fields["description"].label = _("Anything else we should know?")
        for item, left in self.lines:
            self.fields[f"qty_{item.pk}"] = forms.IntegerField(
                label=_("Quantity: %(title)s") % {"title": item.title},
                min_value=0,
                max_value=left,
                initial=0,
                required=False,
            )
        if not self.is_bound:
            self.initial.setdefault("token", new_token())

    def item_fields(self):
        return [(item, left, self[f"qty_{item.pk}"]) for item, left in self.lines]

    def clean_token(self) -> str:
        return checked_token(self.cleaned_data.get("token"))

    def chosen_lines(self) -> list[tuple[int, int]]:
        return [
            (item.pk, self.cleaned_data.get(f"qty_{item.pk}") or 0)
            for item, _left in self.lines
            if self.cleaned_data.get(f"qty_{item.pk}")
        ]

    def claim_kind_chosen(self) -> str:
        return self.cleaned_data.get("kind") or self.claim_kind
