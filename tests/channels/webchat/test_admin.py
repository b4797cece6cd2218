"""The chat inbox's admin page shows the snippet to copy, not a working widget."""


def test_the_snippet_is_shown_as_text_to_copy(chat_inbox, admin, client):
    client.force_login(admin)
    page = client.get(f"/admin/tresen_channels/chatinbox/{chat_inbox.pk}/change/").content.decode()
    assert (
        f"&lt;script src=&quot;http://testserver/chat/widget.js&quot; "
        f"data-key=&quot;{chat_inbox.key}&quot; async&gt;&lt;/script&gt;" in page
    )
    assert f'data-key="{chat_inbox.key}"' not in page
    assert chat_inbox.identity_secret in page
