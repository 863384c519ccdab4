"""Languages: Russian by default, English on request, every message translated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_keywords
from babel.messages.pofile import read_po

from bot.config import LOCALES_DIR, PROJECT_ROOT
from bot.entry.translations import create_i18n
from bot.i18n import SUPPORTED_LOCALES, pick_locale

# The same keywords a developer passes to `pybabel extract` (see README).
KEYWORDS = parse_keywords(["_:1,1t", "_:1,2", "gettext", "ngettext:1,2", "__", "N_"])
SOURCE_DIRS = ("bot", "handlers", "scheduler")


def extracted_messages() -> set[str | tuple[str, str]]:
    messages: set[str | tuple[str, str]] = set()
    for directory in SOURCE_DIRS:
        for _, _, message, _, _ in extract_from_dir(
            str(PROJECT_ROOT / directory), keywords=KEYWORDS, comment_tags=()
        ):
            if isinstance(message, tuple):
                singular, plural = message[0], message[1] if len(message) > 1 else None
                messages.add((singular, plural) if plural else singular)
            else:
                messages.add(message)
    return messages


def catalog(locale: str):
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=locale)


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "1 мероприятие"),
        (2, "2 мероприятия"),
        (4, "4 мероприятия"),
        (5, "5 мероприятий"),
        (11, "11 мероприятий"),
        (12, "12 мероприятий"),
        (21, "21 мероприятие"),
        (22, "22 мероприятия"),
        (25, "25 мероприятий"),
        (101, "101 мероприятие"),
        (111, "111 мероприятий"),
    ],
)
def test_russian_plural_forms(count, expected):
    i18n = create_i18n()
    text = i18n.gettext("{count} measure", "{count} measures", count, locale="ru")
    assert text.format(count=count) == expected


@pytest.mark.parametrize(("count", "expected"), [(1, "1 measure"), (2, "2 measures")])
def test_english_plural_forms(count, expected):
    i18n = create_i18n()
    text = i18n.gettext("{count} measure", "{count} measures", count, locale="en")
    assert text.format(count=count) == expected


def test_both_languages_are_loaded_from_the_po_sources():
    assert set(create_i18n().available_locales) == set(SUPPORTED_LOCALES)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_message_in_the_code_is_translated(locale):
    translations = catalog(locale)
    missing = []
    for message in extracted_messages():
        key = message[0] if isinstance(message, tuple) else message
        entry = translations.get(key)
        if entry is None or entry.fuzzy:
            missing.append(key)
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(strings):
            missing.append(key)
    assert missing == [], f"untranslated in {locale}: {missing}"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_translations_keep_placeholders_and_tags(locale):
    for entry in catalog(locale):
        if not entry.id:
            continue
        source = entry.id if isinstance(entry.id, str) else entry.id[-1]
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for string in strings:
            assert set(re.findall(r"\{\w+\}", string)) == set(re.findall(r"\{\w+\}", source)), (
                entry.id
            )
            assert re.findall(r"</?\w+>", string) == re.findall(r"</?\w+>", source), entry.id


def test_no_catalogue_keeps_messages_the_code_no_longer_uses():
    used = {m[0] if isinstance(m, tuple) else m for m in extracted_messages()}
    for locale in SUPPORTED_LOCALES:
        stale = {
            entry.id if isinstance(entry.id, str) else entry.id[0] for entry in catalog(locale)
        }
        stale -= used | {""}
        assert stale == set(), f"{locale} has unused messages: {stale}"


@pytest.mark.parametrize(
    ("stored", "telegram", "expected"),
    [
        (None, None, "ru"),
        (None, "en", "en"),
        (None, "en-GB", "en"),
        (None, "de", "ru"),
        ("ru", "en", "ru"),
        ("en", "ru", "en"),
        ("xx", "en", "en"),
    ],
)
def test_the_language_is_the_persons_choice_then_their_client(stored, telegram, expected):
    assert pick_locale(stored, telegram) == expected


def test_no_user_facing_text_is_inline_in_handlers():
    """Handlers send text only through gettext: no Cyrillic literals in code."""
    offenders = []
    for path in Path(PROJECT_ROOT).glob("handlers/*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"[А-Яа-яЁё]", line) and "LANGUAGE_NAMES" not in line:
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    allowed = {"Русский"}
    offenders = [o for o in offenders if not any(word in o for word in allowed)]
    assert offenders == []
