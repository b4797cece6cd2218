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


def test_the_preview_page_embeds_the_widget_for_agents_only(chat_inbox, agent, client):
    url = f"/chat/preview/{chat_inbox.key}/"
    assert client.get(url).status_code == 302
    client.force_login(agent)
    page = client.get(url).content.decode()
    assert f'data-key="{chat_inbox.key}"' in page
    assert client.get("/chat/preview/nope/").status_code == 404
