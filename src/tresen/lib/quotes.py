"""Split an inbound email's plain text into the new reply, its signature and the quoted history.

Pure standard library, so it can run anywhere in the intake pipeline. HTML mail is converted
to text first (``tresen.lib.html.to_text``); this module only sees lines.

How a mail is read, top to bottom:

* Quote headers end the reply: "On <date>, <name> wrote:" and its translations (also wrapped
  over up to five lines, or glued to the end of a reply line), German "Am 1.1.2023 um 10:00
  schrieb ...:", Outlook header blocks (From:/Sent:/To:/Subject: in a dozen languages, with or
  without a "____" line above), and "-----Original Message-----" style markers. What follows
  such a header is quoted history, whether or not its lines start with ">".
* Lines starting with ">" are quotes (a lone ">" line amid text is not, at the end it is).
  Text between quotes is an inline answer: when a mail mixes quotes and answers, the reply
  keeps everything up to the last answer (the agent needs the question to understand "yes,
  please"); only the trailing quote is removed. A single quote block with text around it is
  cut out, and the text after it is kept (a late answer or a closing).
* "Sent from my iPhone" / "Von meinem iPhone gesendet" / "Get Outlook for iOS" end the reply:
  they are the signature, and text below them is the quoted original.
* Forwarded mail ("---------- Forwarded message ---------", "Begin forwarded message:",
  "Weitergeleitete Nachricht") is never cut: the forwarded content is what the customer wants
  us to read.

Signatures are taken conservatively from the end of the reply only:

* after a "-- " / "--" delimiter, or after a "____" / "----" line followed by a few short,
  non-prose lines (mailing-list footers, contact blocks);
* a closing formula on a line of its own ("Mit freundlichen Grüßen", "Best regards", "Thanks,",
  "Med venlig hilsen", ...) followed by a name of at most three words and a few short lines.
  The closing and name are the sender's sign-off, not the message: they go to ``signature``,
  where the agent can still see them. "Regards, Roman" on one line stays in the reply;
* a "-Name" or "/Name" sign-off line, a name directly above a device line, and a trailing
  block of a name plus contact lines (mail, phone, web);
* never when the candidate block mentions an order, customer or invoice number (the agent
  needs it in the reply), and never the whole message.

Never lose the message: if nothing of the reply would remain (the mail starts with a quote
header and has no answer of its own), the whole text is returned as the reply.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class SplitReply:
    reply: str  # what the sender wrote now: quotes, quote headers and signature removed, stripped
    signature: str  # the removed signature block ('' if none)
    quoted: str  # the removed quoted history / quote header onwards ('' if none)


def split_reply(text: str) -> SplitReply:
    """Split ``text`` (a plain-text mail body) into reply, signature and quoted history."""
    normalised = _normalise(text)
    lines = normalised.split("\n")
    lines = _unglue(lines)
    headers = _find_headers(lines)
    segments, forwarded = _segment(lines, headers)
    if forwarded:
        return SplitReply(normalised.strip(), "", "")
    reply, signature, quoted = _assemble(lines, segments)
    if not reply.strip():
        return SplitReply(normalised.strip(), "", "")
    return SplitReply(reply.strip(), signature.strip(), quoted.strip())


# Only so much of a line is looked at: keeps every regex linear on pathological input
# (one test mail has a 700 KB line of ">").
_PROBE = 300
# A wrapped "On ... wrote:" header spans at most this many lines (Polymail needs five).
_HEADER_MAX_LINES = 5
_HEADER_MAX_CHARS = 400

# --- building blocks -----------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
# "12.03" is as often a day and month as a time: only "10:15" counts as a time.
_TIME = re.compile(r"\d{1,2}:\d{2}")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_NUMERIC_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")
_DIGIT = re.compile(r"\d")
# A date opens the line, or a weekday does: "2014-10-17", "tir. 18.", "Wednesday, 17 November".
_DATE_START = re.compile(r"(?:\d|[^\W\d_]{1,10}\.?,?\s+\d)")
# "items. Your colleague wrote:" is a sentence, not a header ("Jan. 2023" and "So., 1." are fine).
_SENTENCE_BREAK = re.compile(r"[a-z]{3,}[.!?]\s+[A-Z][a-z]")
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u200e\u200f\u2060"), None)

# Words that open an attribution line, followed by a date within a few words.
_INTRO = re.compile(
    r"(?:On|Am|Le|El|Il|In\s+data|Em|Op|W\s+dniu|Dnia|Den|På|Vào|No\s+dia|Dne)\s", re.IGNORECASE
)
_ON = re.compile(r"On\s")
_GLUED_LINE_MAX = 1000
# The verb that ends an attribution line ("wrote:"), optionally closed by dashes.
_VERB = (
    r"(?:wrote|sent|schrieb|geschrieben|a\s+écrit|ha\s+scritto|escribió|escreveu|schreef|"
    r"geschreven|napisał(?:\(a\)|a)?|skrev|kirjoitti|написал(?:\(а\)|а)?|пишет|đã\s+viết|"
    r"írta|yazdı|napsal(?:\(a\))?)"
)
_ENDS_WITH_VERB = re.compile(_VERB + r"\s*:?\s*-*\s*$", re.IGNORECASE)
_VERB_COLON = re.compile(_VERB + r"\s*:", re.IGNORECASE)
# German, Dutch and Scandinavian clients put the name after the verb: "schrieb Max <m@x.de>:".
# The name starts with a capital, a quote or is an address ("schrieb mir dann:" is prose).
_VERB_THEN_NAME = re.compile(
    r"\b(?i:schrieb|schreef|skrev|napisał(?:\(a\)|a)?)\s+"
    r"(?:[\"'<(\[A-ZÄÖÜÅÆØÉÈÀÂÇŁŚŻА-Я]|\S+@).{0,150}:\s*$"
)
# In those languages a sentence may end in "... schrieb:" too; a header then names an address.
_VERB_SECOND = re.compile(r"\b(?:schrieb|schreef|skrev)\s*:?\s*-*\s*$", re.IGNORECASE)
# "... John Doe <john@doe.com>:" and "... (contact@stripe.com) escreveu:" style endings.
_ENDS_WITH_ADDRESS = re.compile(r"(?:[>)\]]|@[\w.-]+)\s*:\s*$")
_DASHED_ATTRIBUTION = re.compile(
    r"^-{2,}\s*\S.{0,150}\s" + _VERB + r"\s*:?\s*-{2,}\s*$", re.IGNORECASE
)
_QUOTE = re.compile(r"^\s*>")

_ORIGINAL_MESSAGE = re.compile(
    r"^[\s>*_=-]*(?:original\s+message|original-nachricht|ursprüngliche\s+nachricht|"
    r"originalnachricht|reply\s+message|antwort\s+nachricht|oprindelig\s+(?:meddelelse|besked)|"
    r"opprinnelig\s+melding|ursprungligt\s+meddelande|alkuperäinen\s+viesti|"
    r"message\s+d'origine|message\s+original|mensaje\s+original|mensagem\s+original|"
    r"messaggio\s+originale|oorspronkelijk\s+bericht|origineel\s+bericht|"
    r"wiadomość\s+oryginalna|oryginalna\s+wiadomość|исходное\s+сообщение|"
    r"původní\s+zpráva|eredeti\s+üzenet)[\s*_=:-]*$",
    re.IGNORECASE,
)
_FORWARDED = re.compile(
    r"^[\s>*_=-]*(?:forwarded\s+message(?:\s+follows)?|begin\s+forwarded\s+message|"
    r"weitergeleitete\s+nachricht|anfang\s+der\s+weitergeleiteten\s+nachricht|"
    r"message\s+transféré|début\s+du\s+message\s+(?:réexpédié|transféré)|"
    r"mensaje\s+reenviado|inicio\s+del\s+mensaje\s+reenviado|messaggio\s+inoltrato|"
    r"doorgestuurd\s+bericht|videresendt\s+(?:meddelelse|besked|melding)|"
    r"vidarebefordrat\s+meddelande|przekazana\s+wiadomość|välitetty\s+viesti|"
    r"пересылаемое\s+сообщение|mensagem\s+encaminhada)[\s*_=:-]*$",
    re.IGNORECASE,
)

# Outlook-style header blocks: each key belongs to one field.
_HEADER_KEYS = {
    "from": "From|Von|De|Van|Da|Fra|Från|Od|От|Від|Lähettäjä|Feladó|Kimden|Remitente|Absender|"
    "Mittente|Afzender|差出人|发件人|寄件者",
    "date": "Sent|Date|Gesendet|Datum|Envoyé|Envoyé\\s+le|Verzonden|Inviato|Data|Sendt|Dato|"
    "Skickat|Wysłano|Wysłane|Отправлено|Дата|Lähetetty|Päivämäärä|Enviado|Enviada|Fecha|"
    "Elküldve|Dátum|Tarih|Message\\s+du|送信日時|日付|发送时间|日期",
    "to": "To|An|À|A|Aan|Til|Till|Do|Кому|Vastaanottaja|Para|Címzett|Kime|Destinatario|"
    "Empfänger|宛先|收件人",
    "cc": "Cc|Bcc|Kopie|Copie|Copie\\s+à|Kopi|Kopia|DW|Копия|Kopio|Másolat|Cco",
    "subject": "Subject|Betreff|Objet|Sujet|Onderwerp|Oggetto|Emne|Ämne|Temat|Тема|Aihe|"
    "Asunto|Assunto|Tárgy|Konu|Predmet|件名|主题|主旨",
}
_HEADER_KEY = re.compile(
    r"^\s*[*_]{0,2}(?:"
    + "|".join(f"(?P<{field}>{keys})" for field, keys in _HEADER_KEYS.items())
    + r")[*_]{0,2}\s*[:：]",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"^\s*([-_=*])\1+\s*$")

# --- signatures ------------------------------------------------------------------------------

_VALEDICTION = re.compile(
    r"^(?:(?:best|kind|warm|warmest|many|with\s+kind|with\s+best)\s+(?:regards|wishes)|regards|"
    r"best|all\s+the\s+best|cheers|sincerely(?:\s+yours)?|yours\s+(?:sincerely|truly|faithfully)|"
    r"thanks(?:\s+(?:in\s+advance|again|a\s+lot|so\s+much|and\s+regards|&\s+regards))?|"
    r"thank\s+you(?:\s+(?:very\s+much|in\s+advance))?|many\s+thanks|take\s+care|br|kr|"
    r"(?:mit\s+)?(?:freundlichen|besten|lieben|herzlichen|schönen|sonnigen|vielen)\s+grü(?:ß|ss)en|"
    r"(?:viele|liebe|beste|herzliche|freundliche|schöne|sonnige)\s+grü(?:ß|ss)e(?:\s+aus\s+\S+)?|"
    r"gru(?:ß|ss)|grü(?:ß|ss)e|mfg|lg|vg|hochachtungsvoll|danke(?:\s+(?:schön|sehr|im\s+voraus))?|"
    r"vielen\s+dank(?:\s+im\s+voraus)?|besten\s+dank|"
    r"cordialement|bien\s+cordialement|bien\s+à\s+vous|(?:meilleures\s+)?salutations|"
    r"merci(?:\s+(?:beaucoup|d'avance))?|amicalement|"
    r"(?:un\s+)?saludos?(?:\s+cordiales)?|atentamente|gracias|"
    r"(?:cordiali|distinti)?\s*saluti|grazie|"
    r"(?:met\s+)?vriendelijke\s+groet(?:en)?|groeten|mvg|"
    r"(?:med\s+)?ven(?:n)?lig(?:e)?\s+hilsen|(?:med\s+)?vänlig(?:a)?\s+hälsning(?:ar)?|"
    r"hälsningar|hilsen|mvh|kh|vh|"
    r"(?:serdecznie\s+)?pozdrawiam|z\s+powa(?:ż|z)aniem|pozdrowienia|"
    r"(?:ystävällisin\s+)?terveisin|с\s+уважением|atenciosamente|cumprimentos|abraços)"
    r"\s*[,.!:;]*\s*$",
    re.IGNORECASE,
)
_THANKS = re.compile(r"thank|danke|vielen\s+dank|merci|grazie|gracias|спасибо", re.IGNORECASE)
_SIGN_OFF = re.compile(r"^[-/]\s?[^\W\d_][\w.'-]*(?:\s[^\W\d_][\w.'-]*){0,2}\s*$")
_DEVICE = re.compile(
    r"^(?:sent(?:\s+wirelessly)?\s+(?:from|with|via|using)|(?:von|vom)\s+mein(?:em|er)?|"
    r"gesendet\s+(?:von|vom|mit|über)|diese\s+nachricht\s+wurde\s+von|envoyé\s+(?:de|depuis|"
    r"à\s+partir\s+de|avec|par|sans\s+fil\s+par)|enviado\s+(?:desde|do|de|con|com)|"
    r"inviato\s+(?:da|dal|con)|(?:verzonden|verstuurd)\s+(?:vanaf|met|van)|sendt\s+fra|"
    r"skickat\s+från|wysłane\s+z|lähetetty|отправлено\s+(?:с|из)|get\s+outlook\s+for|"
    r"(?:holen\s+sie\s+sich|hol\s+dir)\s+outlook|outlook\s+für\s+(?:ios|android)|"
    r"(?:sent\s+)?via)\s+(?P<rest>.*)$",
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(
    r"^(?:my|meinem|meiner|mon|ma|mi|meu|mio|mijn|min|mojego|mitt|minun|моего)\b", re.IGNORECASE
)
_DEVICE_WORD = re.compile(
    r"iphone|ipad|ipod|android|blackberry|mobile|phone|smartphone|handy|tablet|samsung|galaxy|"
    r"huawei|xiaomi|pixel|nokia|htc|wiko|outlook|mail|sparrow|typeapp|acompli|yahoo|aol|"
    r"windows|device|spark|airmail|ios|gmx|web\.de|t-online|mobiltelefon",
    re.IGNORECASE,
)
_LINK = re.compile(r"<[^<>]*>|\([^()]*(?:https?:|www\.)[^()]*\)|https?://\S+")
_CONTACT = re.compile(
    r"@|https?://|www\.|\+?\d[\d ()/.-]{6,}\d|^(?:tel|fon|phone|mobil|mobile|fax|t|f|m)\b\.?",
    re.IGNORECASE,
)
# The agent needs these in the reply even when they sit in a signature-like block.
_ORDER_REFERENCE = re.compile(
    r"(?:bestell|auftrags?|kunden|rechnungs|order|invoice|customer|commande|pedido|ordine|"
    r"bestel)\w*[\s.-]*(?:nr|nummer|number|no|num|#|id)\b|#\s?\d{4,}",
    re.IGNORECASE,
)
_URLISH = re.compile(r"^\S*(?:https?://|www\.|@)\S*$")
_MAX_SIGNATURE_LINES = 12
_MAX_DELIMITED_SIGNATURE_LINES = 25
# Signatures are looked for only this far above the end, and header blocks are this long at most:
# keeps long mails linear.
_SIGNATURE_WINDOW = 60
_HEADER_BLOCK_MAX_LINES = 15


# --- line helpers ----------------------------------------------------------------------------


def _clean(line: str) -> str:
    """The line as compared: invisible marks gone, non-breaking spaces as spaces, capped."""
    probe = line[:_PROBE]
    if not probe.isascii():
        probe = probe.translate(_INVISIBLE).replace("\xa0", " ")
    return probe.strip()


def _is_blank(line: str) -> bool:
    return not _clean(line)


def _is_quote(line: str) -> bool:
    return bool(_QUOTE.match(line[:_PROBE]))


def _words(line: str) -> list[str]:
    return _clean(line).split()


def _is_prose(line: str) -> bool:
    words = _words(line)
    return len(words) > 8 or (len(words) >= 5 and _clean(line)[-1:] in ".!?")


def _is_short(line: str) -> bool:
    cleaned = _clean(line)
    return len(cleaned) <= 60 or bool(_URLISH.match(cleaned))


def _is_name(line: str) -> bool:
    cleaned = _clean(line)
    words = cleaned.split()
    return (
        0 < len(words) <= 3
        and len(cleaned) <= 40
        and cleaned[0].isalpha()
        and cleaned[-1] not in ".!?:;,"
        and not any(char.isdigit() or char == "@" for char in cleaned)
    )


def _has_date_evidence(text: str) -> bool:
    return bool(
        _EMAIL.search(text)
        or _TIME.search(text)
        or _YEAR.search(text)
        or _NUMERIC_DATE.search(text)
    )


def _starts_with_intro(text: str) -> bool:
    """An intro word followed soon by a date: "On Tue, 5 Mar", "Am 13.12.2017", "Le lun. 15"."""
    match = _INTRO.match(text)
    return bool(match) and bool(_DIGIT.search(text, match.end(), match.end() + 30))


def _starts_with_date(text: str) -> bool:
    """ "2014-10-17 11:28 ...", "tir. 18. apr. 2017 ...", "Wednesday, 17 November 2021, ..."."""
    return bool(_DATE_START.match(text))


def _is_device_line(line: str) -> bool:
    """ "Sent from my iPhone", "Von meinem iPhone gesendet", "Get Outlook for iOS<...>"."""
    match = _DEVICE.match(_clean(line))
    if not match:
        return False
    rest = _LINK.sub(" ", match.group("rest")).strip(" .!")
    words = rest.split()
    if not words or len(words) > 9 or "," in rest or rest.endswith("?"):
        return False
    return bool(_POSSESSIVE.match(rest) or _DEVICE_WORD.search(rest))


# --- quote headers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Header:
    start: int
    end: int  # exclusive
    forwarded: bool = False


def _joined(lines: list[str], start: int, end: int) -> str:
    return " ".join(part for part in map(_clean, lines[start:end]) if part)


def _attribution_ends(text: str) -> bool:
    """Does ``text`` end like an attribution line: "wrote:", "schrieb Max:", "<m@x.y>:"?"""
    if _ENDS_WITH_VERB.search(text[-40:]):
        return True
    tail = text[-200:]
    return tail.endswith(":") and bool(
        _VERB_THEN_NAME.search(tail) or _ENDS_WITH_ADDRESS.search(tail)
    )


def _is_attribution(text: str, *, anchored: bool) -> bool:
    """Is this (joined) text a whole "On <date>, <name> wrote:" header?"""
    if len(text) > _HEADER_MAX_CHARS or not _attribution_ends(text):
        return False
    if _SENTENCE_BREAK.search(text):
        return False
    if _VERB_SECOND.search(text[-40:]) and not _EMAIL.search(text):
        return False
    if anchored:
        return _has_date_evidence(text)
    # Not opened by an intro word or a date: only "Name <mail@x.y> wrote:" on one line.
    return bool(_EMAIL.search(text)) and bool(_ENDS_WITH_VERB.search(text[-200:]))


def _opens_attribution(text: str) -> bool:
    stripped = text.lstrip(" -*>")
    return _starts_with_intro(stripped) or _starts_with_date(stripped)


def _attribution_ending_at(lines: list[str], last: int) -> _Header | None:
    """The attribution header whose final line is ``last``, if any.

    The nearest line above that opens with an intro word wins over one opening with a date:
    a wrapped address line may start with digits too."""
    starts = [
        start
        for start in range(last, max(-1, last - _HEADER_MAX_LINES), -1)
        if not _is_quote(lines[start])
        and not _is_blank(lines[start])
        and sum(_is_blank(line) for line in lines[start : last + 1]) <= 1
    ]
    for opens in (_starts_with_intro, _starts_with_date):
        for start in starts:
            if opens(_clean(lines[start]).lstrip(" -*>")):
                text = _joined(lines, start, last + 1)
                if _is_attribution(text, anchored=True):
                    return _Header(start, last + 1)
    single = _clean(lines[last])
    if not _is_quote(lines[last]) and _is_attribution(single, anchored=False):
        return _Header(last, last + 1)
    if _DASHED_ATTRIBUTION.match(single):
        return _Header(last, last + 1)
    return None


def _header_block_at(lines: list[str], start: int) -> _Header | None:
    """An Outlook-style block of From:/Sent:/To:/Subject: lines starting at ``start``."""
    fields: set[str] = set()
    values: list[str] = []
    last_key = start
    index = start
    limit = min(len(lines), start + _HEADER_BLOCK_MAX_LINES)
    while index < limit and index - last_key <= 2:
        line = lines[index]
        match = _HEADER_KEY.match(_clean(line)) if not _is_quote(line) else None
        if match:
            fields.add(match.lastgroup or "")
            values.append(_clean(line)[match.end() :])
            last_key = index
        elif _is_blank(line) and not (
            index + 1 < len(lines) and _HEADER_KEY.match(_clean(lines[index + 1]))
        ):
            break
        index += 1
    # "From: Germany / Subject: broken zipper" in a customer's text is no header block.
    has_sender = bool(fields & {"from", "to"})
    has_context = bool(fields & {"date", "subject"})
    if len(fields) >= 3 or (has_sender and has_context and _has_date_evidence(" ".join(values))):
        return _Header(start, last_key + 1)
    return None


def _extend_upwards(lines: list[str], header: _Header) -> _Header:
    """Take in the "____" line, the "-----Original Message-----" marker or the forwarding
    marker just above a header block."""
    start = header.start
    forwarded = header.forwarded
    index = start - 1
    blanks = 0
    while index >= 0:
        cleaned = _clean(lines[index])
        if not cleaned:
            blanks += 1
            if blanks > 2:
                break
        elif _SEPARATOR.match(cleaned) or _ORIGINAL_MESSAGE.match(cleaned):
            start, blanks = index, 0
        elif _FORWARDED.match(cleaned):
            start, blanks, forwarded = index, 0, True
        else:
            break
        index -= 1
    return _Header(start, header.end, forwarded)


def _header_at(lines: list[str], index: int) -> _Header | None:
    """A quote header that begins, or (for attributions) ends, on line ``index``."""
    line = lines[index]
    cleaned = _clean(line)
    if not cleaned:
        return None
    if not _is_quote(line):
        if _FORWARDED.match(cleaned):
            return _Header(index, index + 1, forwarded=True)
        if _ORIGINAL_MESSAGE.match(cleaned):
            return _Header(index, index + 1)
        if _HEADER_KEY.match(cleaned):
            block = _header_block_at(lines, index)
            if block:
                return _extend_upwards(lines, block)
    elif not cleaned.endswith(":"):
        return None  # only "> wrote:" may end a (Polymail) header on a quote line
    if _attribution_ends(cleaned):
        return _attribution_ending_at(lines, index)
    return None


def _find_headers(lines: list[str]) -> dict[int, _Header]:
    """Every quote header outside ">" quotes, by its first line."""
    found: list[_Header] = []
    index = 0
    while index < len(lines):
        header = _header_at(lines, index)
        if header is None:
            index += 1
            continue
        # A header found from its last line may begin on lines taken by an earlier one.
        while found and found[-1].start >= header.start:
            found.pop()
        found.append(header)
        index = header.end
    return {header.start: header for header in found}


# --- segmentation ------------------------------------------------------------------------------


@dataclass
class _Segment:
    kind: str  # "text", "quote", "cut" (quoted to the end), "device" (device signature)
    start: int
    end: int


def _next_content(lines: list[str], index: int) -> int:
    while index < len(lines) and _is_blank(lines[index]):
        index += 1
    return index


def _quote_end(lines: list[str], index: int) -> int:
    """Where a run of ">" lines (with blank lines and lazily wrapped lines inside) ends."""
    end = index
    while index < len(lines):
        line = lines[index]
        if _is_quote(line):
            end = index + 1
        elif _is_blank(line):
            nxt = _next_content(lines, index)
            if nxt >= len(lines) or not _is_quote(lines[nxt]):
                break
            index = nxt
            continue
        elif not (
            index + 1 < len(lines) and _is_quote(lines[index + 1]) and _is_quote(lines[index - 1])
        ):
            break
        index += 1
    return end


def _quote_line_count(lines: list[str], start: int, end: int) -> int:
    return sum(_is_quote(line) for line in lines[start:end])


def _attribution_above(lines: list[str], segments: list[_Segment], quote_start: int) -> int:
    """A header mangled beyond recognition ("w=\\nrote:") directly above a quote still is one
    when it opens like a header, names an address or a time and ends with ':' or '>'."""
    if not segments or segments[-1].kind != "text":
        return quote_start
    index = quote_start - 1
    blanks = 0
    while index >= segments[-1].start and _is_blank(lines[index]) and blanks < 2:
        index -= 1
        blanks += 1
    last = index
    if last < segments[-1].start or _is_blank(lines[last]):
        return quote_start
    for start in range(last, max(segments[-1].start, last - 2) - 1, -1):
        if start < last and _is_blank(lines[start]):
            break
        text = _joined(lines, start, last + 1)
        if (
            len(text) <= _HEADER_MAX_CHARS
            and text[-1:] in ":>"
            and _opens_attribution(text)
            and (_EMAIL.search(text) or _TIME.search(text))
        ):
            return start
    return quote_start


def _add_text(segments: list[_Segment], start: int, end: int) -> None:
    if segments and segments[-1].kind == "text" and segments[-1].end == start:
        segments[-1].end = end
    else:
        segments.append(_Segment("text", start, end))


def _add_quote(segments: list[_Segment], start: int, end: int) -> None:
    if segments and segments[-1].kind == "text" and segments[-1].end > start:
        segments[-1].end = start
        if segments[-1].end <= segments[-1].start:
            segments.pop()
    if segments and segments[-1].kind == "quote" and segments[-1].end == start:
        segments[-1].end = end
    else:
        segments.append(_Segment("quote", start, end))


def _segment(lines: list[str], headers: dict[int, _Header]) -> tuple[list[_Segment], bool]:
    """Cut the mail into own text, quotes and the quoted rest; True when it is a forward."""
    segments: list[_Segment] = []
    has_content = False  # own words seen, not only headers: a mail can't start with a cut
    index = 0
    while index < len(lines):
        line = lines[index]
        header = headers.get(index)
        if header and header.forwarded:
            return segments, True
        if header:
            after = _next_content(lines, header.end)
            if after < len(lines) and _is_quote(lines[after]):
                _add_quote(segments, index, _quote_end(lines, after))
                index = segments[-1].end
                continue
            if has_content:
                segments.append(_Segment("cut", index, len(lines)))
                return segments, False
            _add_text(segments, index, header.end)
            index = header.end
            continue
        if _is_quote(line):
            end = _quote_end(lines, index)
            start = _attribution_above(lines, segments, index)
            # One ">" line amid text may be anything (">>> www.example.com <<<"); at the end
            # of the mail, or with a header above, it is a quote.
            ends_mail = _next_content(lines, end) >= len(lines)
            if start < index or ends_mail or _quote_line_count(lines, index, end) >= 2:
                _add_quote(segments, start, end)
                index = end
                continue
        elif has_content and _is_device_line(line):
            end = index + 1
            while end < len(lines) and _is_device_line(lines[end]):
                end += 1
            segments.append(_Segment("device", index, end))
            rest = _next_content(lines, end)
            if rest < len(lines):
                segments.append(_Segment("cut", end, len(lines)))
            return segments, False
        elif not _is_blank(line):
            has_content = True
        _add_text(segments, index, index + 1)
        index += 1
    return segments, False


# --- signatures --------------------------------------------------------------------------------


def _content_indexes(lines: list[str], start: int, end: int) -> list[int]:
    return [index for index in range(start, end) if not _is_blank(lines[index])]


def _has_content(lines: list[str], start: int, end: int) -> bool:
    return any(not _is_blank(lines[index]) for index in range(start, end))


def _recent_content(lines: list[str], start: int) -> list[int]:
    """Non-blank lines in the window above ``start`` where a signature may begin."""
    return _content_indexes(lines, max(0, start - _SIGNATURE_WINDOW), start)


def _delimiter_start(lines: list[str], start: int, end: int) -> int | None:
    """The nearest "-- " or "____" line above ``start`` whose block reads like a signature."""
    content = _recent_content(lines, start)
    for position in range(len(content) - 1, max(-1, len(content) - 1 - 25), -1):
        index = content[position]
        cleaned = lines[index][:_PROBE].strip()
        block = _content_indexes(lines, index + 1, end)
        if cleaned == "--":
            if len(block) <= _MAX_DELIMITED_SIGNATURE_LINES:
                return index
        elif _SEPARATOR.match(cleaned):
            signature_like = len(block) <= _MAX_SIGNATURE_LINES and all(
                _is_short(lines[i]) and not _is_prose(lines[i]) for i in block
            )
            if signature_like:
                return index
    return None


def _valediction_start(lines: list[str], start: int) -> int | None:
    """ "Best regards," + a name of at most three words + a few short lines above ``start``."""
    content = _recent_content(lines, start)
    for position in range(len(content) - 1, max(-1, len(content) - 7), -1):
        index = content[position]
        if not _VALEDICTION.match(_clean(lines[index])):
            continue
        below = content[position + 1 :]
        if not below:
            # "Danke!" at the very end is the message; "Mit freundlichen Grüßen" is not.
            return None if _THANKS.match(_clean(lines[index])) else index
        if len(below) > 5 or not _is_name(lines[below[0]]):
            return None
        if all(_is_short(lines[i]) and not _is_prose(lines[i]) for i in below[1:]):
            return index
        return None
    return None


def _sign_off_start(lines: list[str], start: int) -> int | None:
    """ "-Abhishek Kona", "/John" or "- roman" on the last line before ``start``."""
    content = _recent_content(lines, start)
    if not content:
        return None
    index = content[-1]
    cleaned = _clean(lines[index])
    if not _SIGN_OFF.match(cleaned):
        return None
    if cleaned[1:2] == " " and len(cleaned.split()) > 2:
        return None  # "- and another": a list item, not a name
    if len(content) > 1:
        above = _clean(lines[content[-2]])
        if above.startswith(("-", "*", "•")) or above.endswith(":"):
            return None
    return index


def _device_start(lines: list[str], start: int) -> int | None:
    content = _recent_content(lines, start)
    if not content or not _is_device_line(lines[content[-1]]):
        return None
    index = content[-1]
    name_above = index > 0 and _is_name(lines[index - 1])
    # The name joins only when something of the message stays above it.
    return index - 1 if name_above and len(content) > 2 else index


def _contact_block_start(lines: list[str], start: int) -> int | None:
    """A trailing paragraph of a full name and contact lines (mail, phone, web): two of them,
    or one when a sign-off ending in a comma stands above ("At your service,")."""
    content = _recent_content(lines, start)
    if not content:
        return None
    first = content[-1]
    while first > 0 and not _is_blank(lines[first - 1]) and content[-1] - first < 7:
        first -= 1
    block = range(first, content[-1] + 1)
    if not 3 <= len(block) <= 7 or not _is_name(lines[first]) or len(_words(lines[first])) < 2:
        return None
    if not all(_is_short(lines[i]) for i in block):
        return None
    contacts = sum(bool(_CONTACT.search(_clean(lines[i]))) for i in block[1:])
    above = [i for i in content if i < first]
    signed_off = bool(above) and _is_sign_off_phrase(lines[above[-1]])
    return first if contacts >= 2 or (contacts and signed_off) else None


def _is_sign_off_phrase(line: str) -> bool:
    cleaned = _clean(line)
    return cleaned.endswith(",") and len(cleaned.split()) <= 4


_DETECTORS = (
    _device_start,
    _sign_off_start,
    _valediction_start,
    _contact_block_start,
)


def _signature_start(lines: list[str], end: int, *, keep_from: int | None, floor: int = 0) -> int:
    """Where the signature at the end of ``lines[floor:end]`` begins (``end`` when none).

    With ``keep_from``, some content of ``lines[keep_from:]`` must stay above it."""
    start = end
    for _ in range(_MAX_DELIMITED_SIGNATURE_LINES):
        candidates = [detect(lines, start) for detect in _DETECTORS]
        candidates.append(_delimiter_start(lines, start, end))
        found = [index for index in candidates if index is not None and floor <= index < start]
        if not found:
            return start
        candidate = max(found)
        if keep_from is not None and not _has_content(lines, keep_from, candidate):
            return start
        if any(_ORDER_REFERENCE.search(line[:_PROBE]) for line in lines[candidate:end]):
            return start
        start = candidate
    return start


# --- assembling --------------------------------------------------------------------------------


def _text(lines: list[str]) -> str:
    return "\n".join(lines).strip("\n").rstrip()


def _join(*parts: str) -> str:
    return "\n\n".join(part for part in parts if part.strip())


def _normalise(text: str) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


def _unglue(lines: list[str]) -> list[str]:
    """Put a one-line "On <date>, <name> <address> wrote:" glued into a line on its own line:
    "reply On Wed, ... wrote:" and, from HTML without line breaks, "ReplyOn ... wrote:Test"."""
    result: list[str] = []
    for line in lines:
        parts = _glued_parts(line) if len(line) <= _GLUED_LINE_MAX and not _is_quote(line) else None
        result.extend(part for part in parts if part) if parts else result.append(line)
    return result


def _glued_parts(line: str) -> tuple[str, str, str] | None:
    for match in _ON.finditer(line, 1):
        rest = line[match.start() :]
        verb = _VERB_COLON.search(rest, 0, _HEADER_MAX_CHARS)
        if not verb or not _starts_with_intro(rest):
            continue
        header = rest[: verb.end()]
        if _EMAIL.search(header) and _is_attribution(header, anchored=True):
            before = line[: match.start()].rstrip(" -")
            return before, header, rest[verb.end() :].strip()
    return None


def _span_text(lines: list[str], start: int, end: int) -> str:
    return _text(lines[start:end])


def _assemble(lines: list[str], segments: list[_Segment]) -> tuple[str, str, str]:
    body = [segment for segment in segments if segment.kind in ("text", "quote")]
    device = next((segment for segment in segments if segment.kind == "device"), None)
    cut = next((segment for segment in segments if segment.kind == "cut"), None)
    region_end = body[-1].end if body else 0
    quotes = [segment for segment in body if segment.kind == "quote"]

    # Own text as runs of line numbers; quotes taken out of it; a signature after the last quote.
    runs: list[tuple[int, int]] = [(0, region_end)]
    removed: list[tuple[int, int]] = []
    trailing_signature = ""
    if quotes:
        runs, removed, trailing_signature = _take_out_quotes(lines, quotes, region_end)
    last_run_start, reply_end = runs[-1]
    if device and reply_end == region_end and not _content_indexes(lines, region_end, device.start):
        # "Max\nVon meinem iPhone gesendet": the device line may take the name above along.
        reply_end = device.end
        device = None
    floor = max(
        [last_run_start]
        + [quote.end for quote in quotes if last_run_start <= quote.start < reply_end]
    )
    earlier_content = any(_content_indexes(lines, start, end) for start, end in runs[:-1])
    keep_from = None if earlier_content else last_run_start
    signature_start = _signature_start(lines, reply_end, keep_from=keep_from, floor=floor)
    runs[-1] = (last_run_start, signature_start)

    signature = _join(
        _span_text(lines, signature_start, reply_end),
        _span_text(lines, device.start, device.end) if device else "",
        trailing_signature,
    )
    quoted = _join(
        *(_span_text(lines, start, end) for start, end in removed),
        _span_text(lines, cut.start, cut.end) if cut else "",
    )
    return _join(*(_span_text(lines, start, end) for start, end in runs)), signature, quoted


def _take_out_quotes(
    lines: list[str], quotes: list[_Segment], region_end: int
) -> tuple[list[tuple[int, int]], list[tuple[int, int]], str]:
    """Reply runs, removed quote spans and a signature that follows the last quote.

    One quote with text after it is cut out (the text after it is an answer or a closing).
    With several quotes and answers between them, the answers need their questions: all of it
    stays, only a trailing quote goes."""
    last = quotes[-1]
    after = _content_indexes(lines, last.end, region_end)
    trailing_signature = ""
    if after:
        start = _signature_start(lines, region_end, keep_from=None, floor=last.end)
        if start <= after[0]:
            trailing_signature = _span_text(lines, last.end, region_end)
            after = []
    if not after:
        return [(0, last.start)], [(last.start, last.end)], trailing_signature
    if len(quotes) == 1:
        return [(0, last.start), (last.end, region_end)], [(last.start, last.end)], ""
    return [(0, region_end)], [], ""
