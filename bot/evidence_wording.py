"""How the proving document and its requisites are said: in the report draft, the review
message, the report and the export («Приказ № 123 от 01.03.2025»).

No aiogram here (the export uses it too): callers pass the reader's translation function.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from bot.evidence import EvidenceKind, Requisites
from bot.i18n import N_

GetText = Callable[[str], str]


KIND_NAMES: dict[EvidenceKind, str] = {
    EvidenceKind.ORDER: N_("Order or directive"),
    EvidenceKind.LEGAL_ACT: N_("Regulatory legal act"),
    EvidenceKind.PROTOCOL: N_("Minutes"),
    EvidenceKind.LETTER: N_("Letter"),
    EvidenceKind.PUBLICATION: N_("Publication on a website"),
    EvidenceKind.REPORT: N_("Report"),
    EvidenceKind.OTHER: N_("Other document"),
}


def kind_name(kind: EvidenceKind, gettext: GetText) -> str:
    return gettext(KIND_NAMES[kind])


def requisites_text(
    requisites: Requisites, gettext: GetText, *, html: bool = True, link_length: int = 200
) -> str:
    """«Order or directive № 123 of 01.03.2025, https://…, in the document system: 01-02/345»;
    escaped for HTML unless `html` is False (a spreadsheet cell)."""
    quote = escape if html else str
    parts = [gettext(KIND_NAMES[requisites.kind])]
    if requisites.number:
        parts.append(gettext("№ {number}").format(number=quote(requisites.number)))
    if requisites.issued_on:
        parts.append(gettext("of {day}").format(day=requisites.issued_on.strftime("%d.%m.%Y")))
    text = " ".join(parts)
    if requisites.link:
        link = requisites.link
        if html and len(link) > link_length:
            link = link[: link_length - 1] + "…"
        text += ", " + quote(link)
    if requisites.reference:
        text += ", " + gettext("in the document system: {reference}").format(
            reference=quote(requisites.reference)
        )
    return text
