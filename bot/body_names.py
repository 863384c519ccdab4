"""How a body is found by its name: one folding rule and one matcher for every search.

Bodies are a few hundred, so they are matched in Python: SQLite's lower() folds ASCII only.
"""

from __future__ import annotations

from collections.abc import Iterable

from models.tables import Organization


def fold(text: str) -> str:
    """Text for matching: case-folded (Cyrillic too), ё as е, whitespace collapsed."""
    return " ".join(text.casefold().replace("ё", "е").split())


def by_name(organizations: Iterable[Organization]) -> list[Organization]:
    """Bodies in the order people read them: by folded full name."""
    return sorted(organizations, key=lambda o: (fold(o.full_name), o.id))


def names_of(organization: Organization) -> tuple[str, str]:
    """The body's full and short names, folded."""
    return fold(organization.full_name), fold(organization.short_name or "")


def exact_bodies(organizations: Iterable[Organization], text: str) -> list[Organization]:
    """Bodies whose full or short name is the text typed (folded)."""
    needle = fold(text)
    if not needle:
        return []
    return [o for o in by_name(organizations) if needle in names_of(o)]


def match_bodies(organizations: Iterable[Organization], text: str) -> list[Organization]:
    """Bodies whose full or short name holds every word typed; exact names first."""
    needle = fold(text)
    if not needle:
        return []
    words = needle.split()
    exact, partial = [], []
    for organization in by_name(organizations):
        names = names_of(organization)
        if needle in names:
            exact.append(organization)
        elif all(any(word in name for name in names) for word in words):
            partial.append(organization)
    return exact + partial


# --- A body's name in any grammatical case ------------------------------------------------------
#
# Orders name bodies in every case: «Министерства спорта …» in a title, «Министерством спорта …»
# in «реализация осуществляется …», «Министерству спорта …» in «переданы …». Only the head of
# the name changes (its leading adjectives and the first noun naming a kind of body): the rest
# («спорта Омской области», «по делам молодежи …») stays in the case the head governs. So a
# name in the nominative is its head put back into the nominative, the rest as written.

# Nouns that head bodies' names, in the nominative singular.
HEAD_NOUNS = (
    "министерство",
    "комитет",
    "департамент",
    "управление",
    "администрация",
    "аппарат",
    "агентство",
    "служба",
    "инспекция",
    "центр",
    "отдел",
    "сектор",
    "фонд",
    "учреждение",
    "организация",
    "предприятие",
    "орган",
    "правительство",
    "губернатор",
    "палата",
    "прокуратура",
    "совет",
    "дума",
    "комиссия",
    "штаб",
    "оператор",
    "представительство",
    "мэрия",
    "казначейство",
    "дирекция",
    "канцелярия",
    "секретариат",
    "ведомство",
    "институт",
    "группа",
    "округ",
    "район",
)
_HUSHING = tuple("гкхжшчщ")
# Adjective endings of every case, singular (longest first: «-ого» before «-ой»).
_ADJECTIVE_ENDINGS = (
    "ого",
    "его",
    "ому",
    "ему",
    "ыми",
    "ими",
    "ым",
    "им",
    "ой",
    "ей",
    "ую",
    "юю",
    "ая",
    "яя",
    "ое",
    "ее",
    "ый",
    "ий",
    "ом",
    "ем",
    "ою",
    "ею",
)
_NOMINATIVE_ADJECTIVE = {"m": ("ый", "ий", "ой"), "f": ("ая", "яя"), "n": ("ое", "ее")}


def _noun_forms(lemma: str) -> tuple[str, tuple[str, ...]]:
    """A head noun's gender and its singular forms (nominative first)."""
    if lemma.endswith("ие"):
        return "n", tuple(lemma[:-1] + ending for ending in ("е", "я", "ю", "ем", "и"))
    if lemma.endswith("о"):
        return "n", tuple(lemma[:-1] + ending for ending in ("о", "а", "у", "ом", "е"))
    if lemma.endswith("ия"):
        return "f", tuple(lemma[:-1] + ending for ending in ("я", "и", "ю", "ей", "ею"))
    if lemma.endswith("а"):
        stem = lemma[:-1]
        genitive = "и" if stem.endswith(_HUSHING) else "ы"
        return "f", tuple(stem + ending for ending in ("а", genitive, "е", "у", "ой", "ою"))
    return "m", tuple(lemma + ending for ending in ("", "а", "у", "ом", "е"))


_NOUNS: dict[str, tuple[str, str]] = {}  # a form → (the nominative, the gender)
for _lemma in HEAD_NOUNS:
    _gender, _forms = _noun_forms(_lemma)
    for _form in _forms:
        _NOUNS.setdefault(_form, (_lemma, _gender))


def _adjective_stem(word: str) -> str | None:
    """The stem of an adjective in any singular case («главного» → «главн»), else None."""
    for ending in _ADJECTIVE_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return None


def _adjective_nominative(word: str, stem: str, gender: str) -> str:
    if word.endswith(_NOMINATIVE_ADJECTIVE[gender]):
        return word  # already in the nominative («Городской», «Омский»)
    if gender == "f":
        return stem + "ая"
    if gender == "n":
        return stem + ("ее" if stem.endswith(("ж", "ш", "ч", "щ", "ц")) else "ое")
    return stem + ("ий" if stem.endswith(_HUSHING) else "ый")


def _as_written(word: str, lowered: str) -> str:
    """`lowered` with the first letter's case of `word`."""
    return lowered[:1].upper() + lowered[1:] if word[:1].isupper() else lowered


def _head(words: list[str]) -> tuple[int, str, str] | None:
    """Where a name's head noun stands (at most three adjectives before it), its nominative
    and gender; None when the name starts otherwise."""
    for index, word in enumerate(words[:4]):
        lowered = word.casefold().replace("ё", "е")
        noun = _NOUNS.get(lowered)
        if noun is not None:
            return index, *noun
        if _adjective_stem(lowered) is None:
            return None
    return None


def nominative(name: str) -> str:
    """A body's name with its head in the nominative: «Министерством спорта Омской области» →
    «Министерство спорта Омской области», «Главного управления …» → «Главное управление …»,
    «Государственной инспекцией …» → «Государственная инспекция …». A name not headed by a
    kind of body is returned as written (spacing collapsed)."""
    words = name.split()
    head = _head(words)
    if head is None:
        return " ".join(words)
    index, noun, gender = head
    result = []
    for word in words[:index]:
        lowered = word.casefold().replace("ё", "е")
        stem = _adjective_stem(lowered)
        assert stem is not None
        result.append(_as_written(word, _adjective_nominative(lowered, stem, gender)))
    result.append(_as_written(words[index], noun))
    return " ".join(result + words[index + 1 :])


def case_key(name: str) -> str:
    """A key for a body's name that is the same in every case: its head noun in the
    nominative, its adjectives as stems, the rest folded (`fold`), quotes made one."""
    words = fold(name.replace("«", '"').replace("»", '"')).split()
    head = _head(words)
    if head is not None:
        index, noun, _ = head
        words = [_adjective_stem(w) or w for w in words[:index]] + [noun] + words[index + 1 :]
    return " ".join(words).strip(" .,;")
