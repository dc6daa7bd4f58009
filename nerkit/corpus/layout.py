"""Building blocks for schedules and exhibits: headings, tables sized to a budget,
numbered sections and signature lines for forms."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from nerkit.corpus.builder import Ent, Piece
from nerkit.corpus.clauses import Section, all_articles
from nerkit.corpus.writer import ContractWriter, estimated_tokens

ScheduleWriter = Callable[[ContractWriter, int], None]


ROW_TOKENS = 14  # a typical table row, for sizing tables to a budget


def heading(w: ContractWriter, label: str, title: str) -> None:
    w.plain(f"{label}\n{title}")


def rows_for(budget: int, low: int, high: int, per_row: int = ROW_TOKENS) -> int:
    return max(low, min(high, budget // per_row))


def table_money(w: ContractWriter, amount: float) -> list[Piece]:
    return w.deal.money(amount, style=w.deal.table_money_style)


def numbered_sections(w: ContractWriter, sections: Sequence[Section], budget: int) -> None:
    """Sections numbered 1., 2., ... inside a schedule, as many as ``budget`` allows."""
    spent = 0
    for number, section in enumerate(sections, start=1):
        variant = w.pick_variant(section.variants)
        if number > 2 and spent + estimated_tokens(variant) > budget:
            break
        spent += estimated_tokens(variant)
        w.builder.add([f"{number}. ", *w.deal.render(section.heading), ". "])
        w.paragraph(variant)


def form_signature(w: ContractWriter, key: str) -> None:
    w.lines(
        [
            [Ent(w.deal.parties[key].caps, "ORG")],
            ["By: ______________________________"],
            ["Name: [●]"],
            ["Title: [●]"],
        ]
    )


def as_guarantor(section: Section) -> Section:
    return Section(section.heading, tuple(v.replace("{C}", "Guarantor") for v in section.variants))


def shared_sections(keys: Sequence[str]) -> list[Section]:
    return [s for key in keys for s in all_articles()[key].sections]


def disclosure_rows(
    w: ContractWriter,
    label: str,
    title: str,
    intro: str,
    budget: int,
    per_row: int,
    row: Callable[[], list[Piece]],
) -> None:
    """A schedule that lists as many numbered rows as ``budget`` allows (3 to 40)."""
    heading(w, label, title)
    w.paragraph(intro)
    count = rows_for(budget - 40, 3, 40, per_row)
    w.lines([[f"{i}. ", *row()] for i in range(1, count + 1)])
