"""Writes the parts every contract has: title page, parties, recitals, numbered articles,
notices, signature blocks. Contract-type specifics live in :mod:`nerkit.corpus.schedules`
and :mod:`nerkit.corpus.generator`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from nerkit.corpus.builder import DocumentBuilder, Ent, Piece
from nerkit.corpus.clauses import Article, Definition, Section, shared_clauses
from nerkit.corpus.deal import Deal, writes_entity
from nerkit.corpus.parties import Party
from nerkit.corpus.template import mentions_entity

T = TypeVar("T")

# After this many tokens without an entity, prefer the variant of a clause that names one,
# so that no stretch of a long document is entity-free.
ENTITY_GAP = 90

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
HEADING_STYLES = ("article", "numbered", "section")


def roman(n: int) -> str:
    numerals = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for value, letters in numerals:
        while n >= value:
            out += letters
            n -= value
    return out


def estimated_tokens(template: str) -> int:
    # Placeholders expand to names and amounts of two to five words.
    return len(template.split()) + template.count("{") * 2


class ContractWriter:
    """Appends the parts of one contract to a builder, numbering articles as it goes."""

    def __init__(self, deal: Deal, builder: DocumentBuilder, heading_style: str) -> None:
        self.deal = deal
        self.builder = builder
        self.rng = deal.rng
        self.heading_style = heading_style
        self.article_number = 0
        self._titles: dict[str, str] = {}

    def title_for(self, key: str, options: Sequence[str]) -> str:
        """The heading chosen for an article, the same in the contents and the body."""
        if key not in self._titles:
            self._titles[key] = self.rng.choice(list(options))
        return self._titles[key]

    # -- primitives -------------------------------------------------------------------

    def paragraph(self, template: str) -> None:
        self.builder.add(self.deal.render(template))
        self.builder.paragraph_break()

    def pieces_paragraph(self, pieces: Sequence[Piece]) -> None:
        self.builder.add(pieces)
        self.builder.paragraph_break()

    def lines(self, rows: Sequence[Sequence[Piece]]) -> None:
        """Consecutive lines (an address, a table) closed by a blank line."""
        for row in rows:
            self.builder.add(row)
            self.builder.text("\n")
        self.builder.paragraph_break()

    def plain(self, text: str) -> None:
        self.builder.text(text)
        self.builder.paragraph_break()

    def pick_variant(self, variants: Sequence[str]) -> str:
        if self.builder.tokens_since_entity > ENTITY_GAP:
            naming = [v for v in variants if mentions_entity(v, writes_entity)]
            if naming:
                return self.rng.choice(naming)
        return self.rng.choice(list(variants))

    # -- headings ---------------------------------------------------------------------

    def article_heading(self, title: str) -> int:
        self.article_number += 1
        n = self.article_number
        if self.heading_style == "article":
            self.plain(f"ARTICLE {roman(n)}\n{title}")
        elif self.heading_style == "section":
            self.plain(f"SECTION {n}\n{title}")
        else:
            self.plain(f"{n}. {title}")
        return n

    def section_label(self, n: int, m: int) -> str:
        if self.heading_style == "article":
            return f"Section {n}.{m:02d}"
        return f"{n}.{m}"

    def section(self, n: int, m: int, section: Section) -> None:
        self.builder.add([f"{self.section_label(n, m)} ", *self.deal.render(section.heading), ". "])
        self.paragraph(self.pick_variant(section.variants))

    # -- articles ---------------------------------------------------------------------

    def article(self, article: Article, budget: int) -> None:
        """Write an article, taking optional sections and items while ``budget`` allows."""
        n = self.article_heading(self.title_for(article.key, article.titles))
        m = 0
        sections = self._chosen_sections(article, budget)
        for section in self._spread(sections, lambda s: s.variants, keep_first=True):
            m += 1
            self.section(n, m, section)
        if article.items:
            m += 1
            self.builder.text(f"{self.section_label(n, m)} ")
            self.paragraph(self.rng.choice(article.intro))
            spent = sum(estimated_tokens(s.variants[0]) for s in sections)
            items = self._chosen_items(article, budget - spent)
            for letter, item in zip(_LETTERS, self._spread(items, lambda i: (i,)), strict=False):
                self.builder.text(f"({letter}) ")
                self.paragraph(item)

    def _spread(
        self,
        parts: Sequence[T],
        templates: Callable[[T], Sequence[str]],
        keep_first: bool = False,
    ) -> Iterator[T]:
        """Yield ``parts`` in order, except that once the text has gone ``ENTITY_GAP``
        tokens without an entity, the next part that names one is brought forward."""
        pending = list(parts)
        if keep_first and pending:
            yield pending.pop(0)
        while pending:
            pick = 0
            if self.builder.tokens_since_entity > ENTITY_GAP:
                naming = [
                    i
                    for i, part in enumerate(pending)
                    if any(mentions_entity(t, writes_entity) for t in templates(part))
                ]
                pick = naming[0] if naming else 0
            yield pending.pop(pick)

    def _chosen_sections(self, article: Article, budget: int) -> list[Section]:
        core = list(article.sections[: article.core])
        spent = sum(estimated_tokens(s.variants[0]) for s in core)
        optional = list(enumerate(article.sections[article.core :], start=article.core))
        self.rng.shuffle(optional)
        chosen = {i for i in range(len(core))}
        for i, section in optional:
            cost = estimated_tokens(section.variants[0])
            if spent + cost > budget:
                continue
            chosen.add(i)
            spent += cost
        return [s for i, s in enumerate(article.sections) if i in chosen]

    def _chosen_items(self, article: Article, budget: int) -> list[str]:
        minimum = min(3, len(article.items))
        indexed = list(enumerate(article.items))
        self.rng.shuffle(indexed)
        chosen: list[tuple[int, str]] = []
        spent = 0
        for i, item in indexed:
            cost = estimated_tokens(item)
            if len(chosen) >= minimum and spent + cost > budget:
                continue
            chosen.append((i, item))
            spent += cost
        return [item for _, item in sorted(chosen)]

    def definitions(self, definitions: Sequence[Definition], budget: int, minimum: int = 6) -> None:
        shared = shared_clauses()
        n = self.article_heading(self.title_for("definitions", shared.definitions_titles))
        self.builder.text(f"{self.section_label(n, 1)} Definitions. ")
        self.plain(self.rng.choice(shared.definitions_intros))
        for term, template in self._chosen_definitions(definitions, budget, minimum):
            self.builder.text(f"{self.deal.q(term)} ")
            self.paragraph(template)
        self.section(n, 2, shared.interpretation)

    def _chosen_definitions(
        self, definitions: Sequence[Definition], budget: int, minimum: int
    ) -> list[tuple[str, str]]:
        pool = list(definitions)
        self.rng.shuffle(pool)
        chosen = [self._party_definition("A"), self._party_definition("B")]
        spent = sum(estimated_tokens(t) for _, t in chosen)
        for d in pool:
            template = self.rng.choice(d.variants)
            cost = estimated_tokens(template)
            if len(chosen) >= minimum and spent + cost > budget:
                continue
            chosen.append((d.term, template))
            spent += cost
        return sorted(chosen, key=lambda pair: pair[0].lower())

    def _party_definition(self, key: str) -> tuple[str, str]:
        role = self.deal.parties[key].role
        template = self.rng.choice(shared_clauses().party_definitions)
        return role, template.replace("{A_", f"{{{key}_")

    # -- front matter -----------------------------------------------------------------

    def title_page(self, title: str) -> None:
        parties = list(self.deal.parties.values())
        self.plain(title)
        self.builder.text(self.rng.choice(("dated as of ", "Dated ", "dated ")))
        self.builder.add(self.deal.fill("EFFECTIVE_DATE"))
        self.builder.paragraph_break()
        for i, party in enumerate(parties):
            self.plain("and" if i else ("between" if len(parties) == 2 else "among"))
            self.builder.add([Ent(party.caps, "ORG"), ",\n", f"as {party.role}"])
            self.builder.paragraph_break()

    def table_of_contents(self, titles: Sequence[str]) -> None:
        self.plain("TABLE OF CONTENTS")
        rows: list[Sequence[Piece]] = []
        for n, title in enumerate(titles, start=1):
            label = f"Article {roman(n)}" if self.heading_style == "article" else f"{n}."
            rows.append([f"{label}  {title}"])
        self.lines(rows)

    def preamble(self, title: str) -> None:
        if self.deal.tradition == "us":
            self._us_preamble(title)
        else:
            self._uk_preamble(title)

    def _us_preamble(self, title: str) -> None:
        parties = list(self.deal.parties.items())
        q = self.deal.q
        pieces: list[Piece] = [
            f"THIS {title} (this {q('Agreement')}) is made and entered into as of "
        ]
        pieces += self.deal.fill("EFFECTIVE_DATE")
        pieces.append(f" (the {q('Effective Date')}), by and ")
        pieces.append("between " if len(parties) == 2 else "among ")
        for i, (key, party) in enumerate(parties):
            if i:
                pieces.append(", and " if i == len(parties) - 1 else ", ")
            pieces += [Ent(party.name, "ORG"), ", "]
            pieces += self.deal.fill(f"{key}_INC")
            pieces.append(
                f", with its principal place of business at {', '.join(party.address)}"
                if self.rng.random() < 0.5
                else ""
            )
            pieces.append(f" (the {q(party.role)})")
        pieces.append(
            ". Each of the foregoing is referred to herein as a "
            + q("Party")
            + " and together as the "
            + q("Parties")
            + "."
        )
        self.pieces_paragraph(pieces)

    def _uk_preamble(self, title: str) -> None:
        q = self.deal.q
        self.builder.text(f"THIS {title} is dated ")
        self.builder.add(self.deal.fill("EFFECTIVE_DATE"))
        self.builder.paragraph_break()
        self.plain("PARTIES")
        for i, (key, party) in enumerate(self.deal.parties.items(), start=1):
            pieces: list[Piece] = [f"({i}) ", Ent(party.caps, "ORG"), ", "]
            pieces += self.deal.fill(f"{key}_INC")
            pieces.append(
                f", whose registered office is at {', '.join(party.address)} (the {q(party.role)});"
            )
            self.pieces_paragraph(pieces)

    def recitals(self, templates: Sequence[str], count: int) -> None:
        chosen = self.rng.sample(list(templates), k=min(count, len(templates)))
        if self.deal.tradition == "us":
            self.plain(self.rng.choice(shared_clauses().recital_headings))
            for i, template in enumerate(chosen):
                ending = "; and" if i == len(chosen) - 2 else (";" if i < len(chosen) - 1 else ".")
                body = template[0].lower() + template[1:]
                self.builder.text("WHEREAS, ")
                self.builder.add(self.deal.render(body.rstrip(".")))
                self.builder.text(ending)
                self.builder.paragraph_break()
        else:
            self.plain("BACKGROUND")
            for letter, template in zip("ABCDEFG", chosen, strict=False):
                self.builder.text(f"({letter}) ")
                self.paragraph(template)
        self.plain(self.rng.choice(shared_clauses().recital_closings))

    # -- notices, law, signatures -----------------------------------------------------

    def notices(self) -> None:
        shared = shared_clauses()
        n = self.article_heading(self.title_for("notices", shared.notices_titles))
        self.builder.text(f"{self.section_label(n, 1)} Form of Notice. ")
        self.paragraph(shared.notice_form)
        for key, party in self.deal.parties.items():
            self._notice_block(key, party)
        self.builder.text(f"{self.section_label(n, 2)} Deemed Receipt. ")
        self.paragraph(shared.notice_receipt)

    def _notice_block(self, key: str, party: Party) -> None:
        self.plain(f"If to the {party.role}:")
        attention: list[Piece] = ["Attention: "]
        if self.rng.random() < 0.2:
            attention.append(self.rng.choice(("Mr. ", "Ms. ", "Dr. ")))
        attention += [Ent(party.contact.name, "PERSON"), f", {party.contact.title}"]
        rows: list[Sequence[Piece]] = [[Ent(party.name, "ORG")]]
        rows += [[line] for line in party.address]
        rows += [attention, [f"Email: {party.email}"]]
        self.lines(rows)
        if self.rng.random() < 0.6:
            self.plain(shared_clauses().notice_copy)
            firm = self.deal.people.law_firm(party.home.locale, self.rng)
            person = self.deal.people.person_name(party.home.locale, self.rng)
            address = self.deal.people.address(party.home)
            self.lines(
                [
                    [Ent(firm, "ORG")],
                    *[[line] for line in address],
                    ["Attention: ", Ent(person, "PERSON")],
                ]
            )

    def governing_law(self, article: Article, arbitration: bool) -> None:
        n = self.article_heading(self.title_for(article.key, article.titles))
        law, courts, *others = article.sections
        # Process agents serve court proceedings; an arbitration clause has no use for one.
        shared = shared_clauses()
        sections = [law, shared.arbitration] if arbitration else [law, courts]
        if not arbitration and self.rng.random() < 0.5:
            sections += others
        if self.deal.governing.country == "USA":  # jury trials are an American worry
            sections.append(shared.jury_waiver)
        for m, section in enumerate(sections, start=1):
            self.section(n, m, section)

    def signatures(self) -> None:
        self.plain(self.rng.choice(shared_clauses().witness_clauses))
        self.plain("[Signature page follows]")
        for party in self.deal.parties.values():
            self.signature_block(party)

    def signature_block(self, party: Party) -> None:
        signer = party.signatory
        style = self.rng.choice(
            ("conformed", "blank", "uk") if self.deal.tradition != "us" else ("conformed", "blank")
        )
        if style == "uk":
            self.pieces_paragraph(
                [
                    "Signed by ",
                    Ent(signer.name, "PERSON"),
                    f", {signer.title}, for and on behalf of ",
                    Ent(party.caps, "ORG"),
                ]
            )
            self.lines([["......................................"], [signer.title]])
            return
        by: list[Piece] = ["By: ______________________________"]
        if style == "conformed":
            by = ["By: /s/ ", Ent(signer.name, "PERSON")]
        rows: list[Sequence[Piece]] = [
            [Ent(party.caps, "ORG"), f", as {party.role}" if self.rng.random() < 0.4 else ""]
        ]
        rows += [by, ["Name: ", Ent(signer.name, "PERSON")], [f"Title: {signer.title}"]]
        if self.rng.random() < 0.4:
            rows.append(["Date: ", *self.deal.table_date(self.deal.effective)])
        self.lines(rows)
