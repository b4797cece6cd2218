from tresen.nlp.summary import key_sentences, sentences


def test_dates_and_ordinals_do_not_end_a_sentence():
    text = "Laut DHL ist das Paket seit dem 4. November bei Ihnen. Am 12.03. kam es an, sagt man."
    assert sentences(text) == [
        "Laut DHL ist das Paket seit dem 4. November bei Ihnen.",
        "Am 12.03. kam es an, sagt man.",
    ]


def test_key_sentences_keep_the_matter_and_drop_pleasantries_in_original_order():
    messages = [
        "Hallo zusammen, ich hoffe es geht Ihnen gut. Ich habe die Bettwäsche aus Bestellung "
        "NH-127310 vor drei Wochen zurückgeschickt. Das Wetter ist hier seit Tagen sehr schön.",
        "Die Erstattung für die zurückgeschickte Bettwäsche über 129,90 € ist immer noch nicht "
        "da. Ich wünsche Ihnen trotzdem einen schönen Tag heute.",
        "Wann kommt endlich die Erstattung für die Bettwäsche? Viele Grüße aus dem Norden hier.",
    ]
    chosen = key_sentences(messages, limit=3)
    assert chosen == [
        "Ich habe die Bettwäsche aus Bestellung NH-127310 vor drei Wochen zurückgeschickt.",
        "Die Erstattung für die zurückgeschickte Bettwäsche über 129,90 € ist immer noch nicht da.",
        "Wann kommt endlich die Erstattung für die Bettwäsche?",
    ]


def test_short_conversations_are_returned_whole():
    assert key_sentences(["Wo ist mein Paket bitte?"]) == ["Wo ist mein Paket bitte?"]
