"""What the classifier reads of a message: the subject and the customer's own new words,
without quoted history or signature (those would pull the topic towards earlier mails)."""

from tresen.lib.quotes import split_reply


def reading(text: str, subject: str = "") -> str:
    reply = split_reply(text or "").reply if "\n" in (text or "") else (text or "").strip()
    return f"{subject}\n{reply}" if subject else reply
