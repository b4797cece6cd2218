import pytest

from tresen.nlp.formats import compile_format


@pytest.mark.parametrize(
    "written",
    ["NH-128846", "nh 128846", "NH128846", "#nh-128846", "Nh_128846", "nh/128846", "NH.128846"],
)
def test_order_numbers_written_loosely_come_back_in_the_template_form(written):
    code_format = compile_format("NH-######")
    assert [value for _, _, value in code_format.find(f"Bestellung {written}, bitte")] == [
        "NH-128846"
    ]


@pytest.mark.parametrize("text", ["NH-12884", "NH-1288467", "XNH-128846", "NH-128846X", "128846"])
def test_near_misses_are_not_order_numbers(text):
    assert compile_format("NH-######").find(text) == []


def test_gift_card_slots_take_letters_and_digits_and_are_upper_cased():
    code_format = compile_format("GC-****-****-****")
    found = code_format.find("Gutschein gc ab12 cd34 ef56 und GCAB12CD34EF57")
    assert [value for _, _, value in found] == ["GC-AB12-CD34-EF56", "GC-AB12-CD34-EF57"]


def test_a_template_without_separators_still_accepts_one_between_letters_and_digits():
    code_format = compile_format("NH######")
    assert [v for _, _, v in code_format.find("nh-128846 NH128847")] == ["NH128846", "NH128847"]


def test_empty_template_means_the_shop_has_none_and_a_template_needs_a_placeholder():
    assert compile_format("") is None
    with pytest.raises(ValueError, match="placeholder"):
        compile_format("ORDER")
