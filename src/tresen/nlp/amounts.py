"""Amounts of money with a currency, written ``49.90 EUR``."""

import re

_CURRENCY_WORDS = {
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "chf": "CHF", "fr.": "CHF", "sfr.": "CHF", "sfr": "CHF", "franken": "CHF", "fr": "CHF",
    "$": "USD", "usd": "USD", "us$": "USD", "dollar": "USD", "dollars": "USD",
    "£": "GBP", "gbp": "GBP", "pfund": "GBP", "pound": "GBP", "pounds": "GBP",
    "zł": "PLN", "zl": "PLN", "pln": "PLN",
}  # fmt: skip
_BEFORE = r"€|eur|euro|chf|sfr\.?|fr\.|us\$|usd|\$|£|gbp|pln"
_AFTER = r"€|eur|euros?|chf|sfr\.?|franken|fr\.|usd|dollars?|\$|£|gbp|pfund|pounds?|zł|zl|pln"
_NUMBER = r"\d{1,3}(?:[.,' ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_DASH = r"(?:[.,](?:–|-{1,2}))?"
_AMOUNT = re.compile(
    rf"(?<![\w$€£])(?P<pre>{_BEFORE})\s?(?P<n1>{_NUMBER}){_DASH}(?![\d])"
    rf"|(?<![\w.,])(?P<n2>{_NUMBER}){_DASH}\s?(?P<post>{_AFTER})(?![a-zäöü])",
    re.IGNORECASE,
)


def find(text: str) -> list[tuple[int, int, str]]:
    results = []
    for match in _AMOUNT.finditer(text):
        currency = _CURRENCY_WORDS[(match.group("pre") or match.group("post")).lower()]
        value = _value(match.group("n1") or match.group("n2"))
        if value is not None:
            results.append((match.start(), match.end(), f"{value:.2f} {currency}"))
    return results


def _value(number: str) -> float | None:
    number = number.replace("'", "").replace(" ", "")
    last = max(number.rfind("."), number.rfind(","))
    if last == -1:
        return float(number)
    decimals = len(number) - last - 1
    whole = re.sub(r"[.,]", "", number[:last])
    if decimals == 3:  # 1.299 or 1,299: a thousands separator
        return float(whole + number[last + 1 :])
    return float(f"{whole}.{number[last + 1 :]}")
