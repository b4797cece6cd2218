"""An honest expected reply time in words, for autoreplies and the chat widget."""

from datetime import datetime

from django.utils import formats, translation


def expected_phrase(moment: datetime, now: datetime, language: str) -> str:
    """ "heute bis 16:30 Uhr" / "by Monday, 3 March, 10:00" in the moment's time zone."""
    with translation.override(language):
        local_now = now.astimezone(moment.tzinfo)
        time = formats.time_format(moment, "H:i")
        if moment.date() == local_now.date():
            return f"heute bis {time} Uhr" if language == "de" else f"today by {time}"
        day = formats.date_format(moment, "l, j. F" if language == "de" else "l, j F")
        return f"bis {day}, {time} Uhr" if language == "de" else f"by {day}, {time}"
