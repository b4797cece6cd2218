from tresen.lib.html import sanitize, to_text

PAGE = (
    "<html><head><title>Newsletter</title><style>p{color:red}</style></head>"
    "<body><p onclick='steal()'>Hallo <b>Welt</b></p><script>alert(1)</script>"
    "<div>Zeile<br>zwei &amp; drei</div><a href='javascript:alert(1)'>Link</a></body></html>"
)


def test_sanitize_keeps_markup_and_drops_scripts_styles_and_title():
    cleaned = sanitize(PAGE)

    assert "<b>Welt</b>" in cleaned
    for gone in ("onclick", "alert", "Newsletter", "color:red", "javascript:"):
        assert gone not in cleaned


def test_to_text_gives_readable_lines_without_head_or_script():
    assert to_text(PAGE) == "Hallo Welt\nZeile\nzwei & drei\nLink"
