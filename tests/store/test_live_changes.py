"""Live updates on SQLite and PostgreSQL (R-SPECIAL, R-SECURITY): the ticket changes after a
cursor, each once and in order, scoped as every read (a unit clerk learns only of its unit's
tickets), without a caller's words."""

from __future__ import annotations

import pytest

from console.errors import InputError
from console.services.values import Special
from tests.store.conftest import Platform, intake


def test_r_special_a_special_incident_reaches_the_feed_once(platform: Platform) -> None:
    p = platform
    start = p.manager.live_changes(None)
    assert start.changes == ()
    number = p.operator.accept(intake(text="化工厂冒黑烟，附近居民头晕。"), "hn-rst",
                               special=Special.URGENT)  # fmt: skip
    got = p.manager.live_changes(start.cursor)
    assert got.changes and {c.number for c in got.changes} == {number}
    assert all(c.special is Special.URGENT for c in got.changes)
    assert got.cursor == max(c.id for c in got.changes) > start.cursor
    assert [c.id for c in got.changes] == sorted(c.id for c in got.changes)
    assert p.manager.live_changes(got.cursor).changes == ()  # asked again: nothing twice
    assert "冒黑烟" not in repr(got)  # the feed never carries a caller's words


def test_r_security_a_unit_clerk_learns_only_of_its_units_tickets(platform: Platform) -> None:
    p = platform
    cursor = p.rst.live_changes(None).cursor
    mine = p.operator.accept(intake(), "hn-rst")
    other = p.operator.accept(intake(text="小区噪音扰民。"), "hn-zjt")
    p.rst.sign(mine)
    seen = p.rst.live_changes(cursor)
    assert {c.number for c in seen.changes} == {mine}
    assert [c.action for c in seen.changes][-1] == "sign"
    assert {c.number for c in p.zjt.live_changes(cursor).changes} == {other}
    # the cursor passes the other unit's changes too: they are not asked for again
    assert p.rst.live_changes(seen.cursor).changes == ()


def test_r_security_a_bad_cursor_or_wait_is_refused_naming_it(platform: Platform) -> None:
    with pytest.raises(InputError) as err:
        platform.manager.live_changes(-1)
    assert err.value.field == "after"
    with pytest.raises(InputError) as wait:
        platform.manager.live_changes(0, wait=60)
    assert wait.value.field == "wait"


def test_r_security_the_brief_of_what_landed_names_units_and_seats_only(platform: Platform) -> None:
    """What a server looks at once for all the questions it holds: the units of the tickets
    that changed and the telephony seats a call was answered at — nothing of the callers."""
    from console.services.telephony.calls import ingest_event, parse_event
    from console.services.tickets.live import landed_since

    p = platform
    start = landed_since(p.store, -1, -1)
    assert start.units == frozenset() and start.seats == frozenset()
    number = p.operator.accept(intake(), "hn-rst")
    for kind, extra in (("ringing", {"caller": "13812341234"}), ("answered", {"seat": "8001"}),
                        ("transferred", {"to": "8002"})):  # fmt: skip
        raw = {"event_id": f"e-{kind}", "call_id": "c-1", "kind": kind,
               "at": p.clock.now().isoformat(), **extra}  # fmt: skip
        ingest_event(p.store, "acd", parse_event(raw), p.clock.now())
    landed = landed_since(p.store, *start.marks)
    assert landed.units == frozenset({"hn-rst"}) and landed.seats == frozenset({"8001", "8002"})
    assert landed.event_id > start.event_id and landed.call_id == start.call_id + 3
    assert not landed.kb  # no article changed (and no actions named: never)
    again = landed_since(p.store, *landed.marks)
    assert (again.units, again.seats) == (frozenset(), frozenset())
    assert "13812341234" not in repr(landed) and number not in repr(landed)


def test_r_kb_an_article_edited_and_verified_reaches_every_seat_once(platform: Platform) -> None:
    """An edited knowledge article is news for every console (the operator's answers, the
    expert's article, the owner unit's upkeep lists): a draft saved, then the text published
    by another clerk's verification — each once, in order, without its text; the search the
    operator runs next reads the published text."""
    from tests.store.test_kb_editing import NEW_ANSWER, edit, second_rst_clerk

    p = platform
    start = p.operator.live_changes(None)
    assert start.articles == () and start.kb_cursor >= 0
    p.operator.search_kb("社保")  # the operator's index is built before the change
    saved = edit(p.rst, p.rst.article_for_edit("hn-rst-001"))
    drafted = p.operator.live_changes(start.cursor, kb_after=start.kb_cursor)
    assert [(a.article_id, a.action, a.unit_id) for a in drafted.articles] == [
        ("hn-rst-001", "edit_article", "hn-rst")
    ]
    assert drafted.articles[0].seat == "u-rst" and drafted.kb_cursor >= drafted.articles[0].id
    second_rst_clerk(p).verify_article("hn-rst-001", version=saved.version)
    got = p.operator.live_changes(drafted.cursor, kb_after=drafted.kb_cursor)
    assert [(a.action, a.version) for a in got.articles] == [("verify_article", saved.version + 1)]
    assert got.kb_cursor > drafted.kb_cursor and NEW_ANSWER not in repr(got)
    assert p.operator.live_changes(got.cursor, kb_after=got.kb_cursor).articles == ()
    assert p.rst.live_changes(got.cursor, kb_after=drafted.kb_cursor).articles == got.articles
    assert "hn-rst-001" in [h.article_id for h in p.operator.search_kb("湘易办")]


def test_r_kb_a_ticket_change_is_not_an_article_change(platform: Platform) -> None:
    """Audited actions other than an article's (an accepted ticket, a revealed contact …)
    move the knowledge cursor without news, and the brief says no article changed."""
    from console.services.knowledge.changes import ARTICLE_ACTIONS
    from console.services.tickets.live import landed_since

    p = platform
    start = p.manager.live_changes(None)
    marks = landed_since(p.store, -1, -1).marks
    number = p.operator.accept(intake(), "hn-rst")
    p.manager.reveal_contact(number, "核实来电人身份")
    got = p.manager.live_changes(start.cursor, kb_after=start.kb_cursor)
    assert got.changes and got.articles == () and got.kb_cursor > start.kb_cursor
    assert not landed_since(p.store, *marks, kb_actions=ARTICLE_ACTIONS).kb
    p.manager.verify_article("hn-rst-001")
    assert landed_since(p.store, *marks, kb_actions=ARTICLE_ACTIONS).kb
    with pytest.raises(InputError) as err:
        p.manager.live_changes(0, kb_after=-1)
    assert err.value.field == "kb_after"
