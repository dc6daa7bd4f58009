"""Building blocks for schedules and exhibits: headings, tables sized to a budget, and
numbered paragraphs and sections."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from nerkit.corpus.builder import Piece
from nerkit.corpus.clauses import Section
from nerkit.corpus.writer import ContractWriter, estimated_tokens

ScheduleWriter = Callable[[ContractWriter, int], None]


ROW_TOKENS = 14  # a typical table row, for sizing tables to a budget


def heading(writer: ContractWriter, label: str, title: str) -> None:
    writer.plain(f"{label}\n{title}")


def pick(writer: ContractWriter, options: Sequence[str]) -> str:
    """One of several options at random; a single option costs no random draw."""
    return writer.rng.choice(options) if len(options) > 1 else options[0]


def rows_for(budget: int, low: int, high: int, per_row: int = ROW_TOKENS) -> int:
    return max(low, min(high, budget // per_row))


def table_money(writer: ContractWriter, amount: float) -> list[Piece]:
    return writer.deal.money(amount, style=writer.deal.table_money_style)


def numbered_paragraphs(writer: ContractWriter, templates: Sequence[str]) -> None:
    """Paragraphs numbered 1., 2., ...: rules, requirements, the terms of a short form."""
    for number, template in enumerate(templates, start=1):
        writer.builder.text(f"{number}. ")
        writer.paragraph(template)


def numbered_sections(writer: ContractWriter, sections: Sequence[Section], budget: int) -> None:
    """Sections numbered 1., 2., ... inside a schedule, as many as ``budget`` allows."""
    spent = 0
    for number, section in enumerate(sections, start=1):
        variant = writer.pick_variant(section.variants)
        if number > 2 and spent + estimated_tokens(variant) > budget:
            break
        spent += estimated_tokens(variant)
        writer.builder.add([f"{number}. ", *writer.deal.render(section.heading), ". "])
        writer.paragraph(variant)
