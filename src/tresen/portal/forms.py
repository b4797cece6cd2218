import uuid

import email_validator
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tresen.channels.contact_form.intake import TOKEN

MESSAGE_MAX_CHARS = 10_000
COMMENT_MAX_CHARS = 2_000


def new_token() -> str:
    return uuid.uuid4().hex


def checked_token(value: str) -> str:
    """A form's idempotency id; a tampered or missing one gets a fresh one, so the post
    still counts once."""
    value = (value or "").strip().lower()
    return value if TOKEN.match(value) else new_token()


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.CharField(label=_("Email address"), max_length=254)
    order_number = forms.CharField(label=_("Order number"), max_length=60, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=300, required=False)
    message = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX_CHARS,
        widget=forms.Textarea,
        error_messages={"required": _("Please write us a message.")},
    )
    # Humans never see this field; bots that fill every field give themselves away.
    homepage = forms.CharField(required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    article = forms.SlugField(max_length=140, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = _("Please tell us your name.")
        self.fields["email"].error_messages["required"] = _("Please enter your email address.")
        self.fields["message"].error_messages["max_length"] = _(
            "Please shorten your message to at most %(limit_value)d characters "
            "(it has %(show_value)d)."
        )

    def clean_email(self) -> str:
        value = self.cleaned_data["email"].strip()
        try:
            # Like the rest of Tresen: internationalised addresses (jörg@müller.de) pass.
            checked = email_validator.validate_email(value, check_deliverability=False)
        except email_validator.EmailNotValidError as error:
            raise ValidationError(
                _("Please check your email address: we need it to answer you."), code="invalid"
            ) from error
        return checked.normalized

    def clean_message(self) -> str:
        value = self.cleaned_data["message"].strip()
        if not value:
            raise ValidationError(self.fields["message"].error_messages["required"])
        return value

    def clean_token(self) -> str:
        return checked_token(self.cleaned_data["token"])

    @property
    def is_spam(self) -> bool:
        return bool((self.data.get("homepage") or "").strip())


class FeedbackForm(forms.Form):
    helpful = forms.ChoiceField(choices=[("yes", "yes"), ("no", "no")])
    # Longer comments are cut, not refused: the vote counts anyway.
    comment = forms.CharField(required=False, strip=True)
