"""Synonym groups for the knowledge search (knowledge_seed/synonyms.toml: 社保/社会保险 …)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from console.services.knowledge.text import normalize


@dataclass(frozen=True)
class SynonymMatch:
    """A synonym group met in a query: which group, and the member the query used."""

    group: int
    member: str
    """The longest member found in the (folded) query."""


class Synonyms:
    """Folded synonym groups with fast lookup of the groups a text mentions."""

    def __init__(self, groups: Iterable[Sequence[str]] = ()) -> None:
        folded_groups: list[tuple[str, ...]] = []
        display: dict[str, str] = {}
        for group in groups:
            members: list[str] = []
            for word in group:
                folded = normalize(word)
                if folded and folded not in members:
                    members.append(folded)
                    display.setdefault(folded, word.strip())
            if len(members) >= 2:
                folded_groups.append(tuple(sorted(members, key=len, reverse=True)))
        self.groups: tuple[tuple[str, ...], ...] = tuple(folded_groups)
        self._display = display
        self._by_first: dict[str, list[tuple[str, int]]] = {}
        for g, group_members in enumerate(self.groups):
            for member in group_members:
                self._by_first.setdefault(member[0], []).append((member, g))
        # compiled when a query first names the group (a start reads them all and uses few)
        self._patterns: dict[int, re.Pattern[str]] = {}

    def __len__(self) -> int:
        return len(self.groups)

    def display(self, folded: str) -> str:
        """The member as written in the synonym file."""
        return self._display.get(folded, folded)

    def find(self, folded: str) -> list[SynonymMatch]:
        """The groups a folded text mentions, each with the longest member it uses."""
        best: dict[int, str] = {}
        # characters in order of first mention, not a set's order (which follows the
        # process's string hashing): of two members of a group as long, the one mentioned
        # first is the member the query used, on every seat and in every process
        for ch in dict.fromkeys(folded):
            for member, g in self._by_first.get(ch, ()):
                if len(member) > len(best.get(g, "")) and member in folded:
                    best[g] = member
        return [SynonymMatch(g, best[g]) for g in sorted(best)]

    def canonical(self, folded: str, matches: Sequence[SynonymMatch]) -> str:
        """Rewrite every member of the matched groups to the member the query used."""
        for match in matches:
            folded = self._pattern(match.group).sub(match.member, folded)
        return folded

    def _pattern(self, group: int) -> re.Pattern[str]:
        """Any member of a group; longest first, so 住房公积金 is replaced whole and not as
        住房+公积金."""
        found = self._patterns.get(group)
        if found is None:
            found = re.compile("|".join(map(re.escape, self.groups[group])))
            self._patterns[group] = found
        return found

    def others(self, match: SynonymMatch) -> tuple[str, ...]:
        """The members of a matched group other than the one the query used (nor its parts)."""
        return tuple(m for m in self.groups[match.group] if m not in match.member)

    def members_in(self, folded: str, group: int) -> list[str]:
        """Members of a group that occur in a folded text, longest first, not nested."""
        found: list[str] = []
        for member in self.groups[group]:
            if member in folded and not any(member in longer for longer in found):
                found.append(member)
        return found
