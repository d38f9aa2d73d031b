"""Which items of a content set cover each term of the vocabularies the set must cover.

A term is covered when at least one valid item refers to it:

* ``abuse_categories``: a case study's or risk scenario's ``abuse_categories``;
* ``principles``: a choice's ``honours`` or ``breaks``, or a myth's ``principles``;
* ``toolkit_sections``: a case study's ``toolkit_sections``;
* ``mca_principles``: a choice's ``mca``;
* ``situations``: a case study's ``situations``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pydantic import BaseModel

from msp_learn.activities import content_kind
from msp_learn.content.catalogue import Catalogue
from msp_learn.vocab import vocabulary

#: The vocabularies a content set must cover, in the order they are reported.
COVERED = ("abuse_categories", "principles", "toolkit_sections", "mca_principles", "situations")

#: (kind, id) of an item.
ItemRef = tuple[str, str]


@dataclass(frozen=True)
class Coverage:
    """For each vocabulary in :data:`COVERED`, each term and the items that cover it."""

    terms: dict[str, dict[str, tuple[ItemRef, ...]]]
    items: dict[str, int]

    def covering(self, vocab: str, term: str) -> tuple[ItemRef, ...]:
        """The (kind, id) of every item covering ``term`` of ``vocab``, in catalogue order."""
        return self.terms[vocab][term]

    def count(self, vocab: str, term: str) -> int:
        """How many items cover ``term`` of ``vocab``."""
        return len(self.terms[vocab][term])

    def uncovered(self) -> list[tuple[str, str]]:
        """(vocabulary, term) of every term no item covers."""
        return [(vocab, term) for vocab, terms in self.terms.items()
                for term, refs in terms.items() if not refs]

    @property
    def complete(self) -> bool:
        return not self.uncovered()


def _references(item: BaseModel) -> Iterator[tuple[str, str]]:
    """(vocabulary, term) for every covered-vocabulary reference an item makes."""
    kind = getattr(item, "kind", None)
    if kind in ("case-study", "risk-scenario"):
        for term in item.abuse_categories:
            yield "abuse_categories", term
    if kind == "case-study":
        for term in item.toolkit_sections:
            yield "toolkit_sections", term
        for term in item.situations:
            yield "situations", term
        for node in item.nodes:
            for choice in node.choices:
                for term in (*choice.honours, *choice.breaks):
                    yield "principles", term
                for term in choice.mca:
                    yield "mca_principles", term
    if kind == "myth":
        for term in item.principles:
            yield "principles", term


def coverage_of(items: Iterable[BaseModel]) -> Coverage:
    """Coverage of the vocabularies in :data:`COVERED` by ``items`` (validated items)."""
    found: dict[str, dict[str, list[ItemRef]]] = {
        name: {term: [] for term in vocabulary(name).ids} for name in COVERED}
    counts: dict[str, int] = {}
    for item in items:
        ref = (item.kind, item.id)
        counts[item.kind] = counts.get(item.kind, 0) + 1
        for vocab, term in _references(item):
            covering = found[vocab].get(term)
            if covering is not None and ref not in covering:
                covering.append(ref)
    return Coverage({v: {t: tuple(refs) for t, refs in terms.items()}
                     for v, terms in found.items()}, counts)


def coverage(catalogue: Catalogue) -> Coverage:
    """Coverage by the catalogue's valid items (invalid files count for nothing)."""
    return coverage_of(f.item for f in catalogue.files if f.item is not None)


def _fit(names: list[str], width: int) -> str:
    """Names joined with commas, cut to ``width`` characters with '+N more'."""
    shown: list[str] = []
    for i, name in enumerate(names):
        rest = len(names) - i - 1
        tail = f", +{rest} more" if rest else ""
        candidate = ", ".join([*shown, name])
        if shown and len(candidate) + len(tail) > width:
            return ", ".join(shown) + f", +{len(names) - i} more"
        shown.append(name)
    return ", ".join(shown)


def render(cov: Coverage, *, width: int = 100) -> str:
    """A plain-text table: one row per term, uncovered rows marked 'UNCOVERED' and with '!'."""
    summary = ", ".join(content_kind(k).count(n)
                        for k, n in sorted(cov.items.items())) or "no valid items"
    lines = [f"Coverage by {summary}", ""]
    term_width = max(len(t) for terms in cov.terms.values() for t in terms)
    for vocab, terms in cov.terms.items():
        missing = sum(1 for refs in terms.values() if not refs)
        lines.append(f"{vocab}: {len(terms) - missing} of {len(terms)} terms covered"
                     + (f", {missing} UNCOVERED" if missing else ""))
        lines.append(f"    {'term':<{term_width}}  items  covered by")
        for term, refs in terms.items():
            if refs:
                names = _fit([ident for _, ident in refs], width - term_width - 13)
                lines.append(f"    {term:<{term_width}}  {len(refs):>5}  {names}")
            else:
                lines.append(f"  ! {term:<{term_width}}  {0:>5}  UNCOVERED "
                             f"({vocabulary(vocab).label(term)})")
        lines.append("")
    gaps = cov.uncovered()
    if gaps:
        lines.append(f"{len(gaps)} term{'s' * (len(gaps) != 1)} UNCOVERED: "
                     + ", ".join(f"{v}/{t}" for v, t in gaps))
    else:
        lines.append("Every term is covered.")
    return "\n".join(lines)
