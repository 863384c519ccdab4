"""Long content fits Telegram by construction: shortened fields, packed blocks, list pages."""

from __future__ import annotations

import pytest

from bot.presentation.text_limits import MESSAGE_LIMIT, pack, page_of, shorten, visible_length


def test_a_long_title_is_cut_at_a_word_with_a_visible_ellipsis() -> None:
    title = "Утвержден порядок организации работы по внедрению клиентоцентричности " * 5
    short = shorten(title, 80)
    assert len(short) <= 80
    assert short.endswith("…")
    assert short[:-1] == short[:-1].rstrip()
    assert shorten("Короткое название", 80) == "Короткое название"


def test_visible_length_counts_text_as_telegram_does() -> None:
    assert visible_length("<b>5 &lt; 6</b>") == len("5 < 6")
    assert visible_length("😀") == 2  # one emoji is two UTF-16 units


def test_packing_keeps_every_block_whole_and_every_text_within_the_limit() -> None:
    blocks = [f"<b>{n}.</b> " + "мероприятие " * 30 for n in range(500)]
    texts = pack(blocks, header="<b>Сроки</b>", footer="/my")
    assert len(texts) > 1
    for text in texts:
        assert visible_length(text) <= MESSAGE_LIMIT
        assert text.startswith("<b>Сроки</b>") and text.endswith("/my")
    joined = "\n\n".join(texts)
    assert all(block in joined for block in blocks)
    assert [t.count("<b>") for t in texts] == [t.count("</b>") for t in texts]


def test_a_block_too_big_for_any_message_is_refused_not_cut() -> None:
    with pytest.raises(ValueError):
        pack(["x" * (MESSAGE_LIMIT + 1)])


def test_an_empty_list_packs_into_one_text_with_its_frame() -> None:
    assert pack([], header="Нет мероприятий") == ["Нет мероприятий"]


def test_a_page_out_of_range_shows_the_nearest_page() -> None:
    items = list(range(17))
    last = page_of(items, 5, 8)
    assert (last.page, last.pages, list(last.items)) == (2, 3, [16])
    assert last.has_previous and not last.has_next
    assert last.first_number == 17
    first = page_of([], 3, 8)
    assert (first.page, first.pages, first.total) == (0, 1, 0)
