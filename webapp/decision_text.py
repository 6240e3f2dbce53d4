"""Routing decisions in words: the stored reason and facts, said in the reader's language.

The domain records facts (webapp.domain.routing builds them); this turns them into the
sentence a manager reads in the chat's history. A decision recorded before facts were kept
shows the sentence it was stored with.
"""
from datetime import datetime, timedelta

from flask import Flask
from flask_babel import gettext as _
from flask_babel import ngettext

from .formatting import duration, long_moment
from .models import RoutingDecision

# The eligible pool of each case, counted: "3 online pre-sellers eligible".
_POOLS = {
    "distribution": lambda n, facts: ngettext(
        "%(num)d online pre-seller eligible", "%(num)d online pre-sellers eligible", n),
    "group": lambda n, facts: ngettext(
        "%(num)d online pre-seller in %(groups)s eligible",
        "%(num)d online pre-sellers in %(groups)s eligible", n,
        groups=", ".join(facts["groups"])),
    "offline_transfer": lambda n, facts: ngettext(
        "%(num)d online member of %(group)s eligible",
        "%(num)d online members of %(group)s eligible", n, group=facts["group"]),
    "group_transfer": lambda n, facts: ngettext(
        "%(num)d online member of %(group)s eligible",
        "%(num)d online members of %(group)s eligible", n, group=facts["group"]),
    "reassigned": lambda n, facts: ngettext(
        "%(num)d other online pre-seller eligible", "%(num)d other online pre-sellers eligible",
        n),
}


def explain(decision: RoutingDecision) -> str:
    """Why the chat went where it did, in the reader's language."""
    if decision.facts:
        return explain_facts(decision.facts)
    return decision.legacy_detail or ""


def explain_facts(facts: dict) -> str:
    """The sentence for a decision's facts (the case they record says which)."""
    case = facts["case"]
    if case in _OTHER_CASES:
        return _OTHER_CASES[case](facts)
    if case == "manual":
        return _("%(actor)s transferred the chat from %(source)s to %(target)s.",
                 actor=facts["actor"], target=facts["to"],
                 source=facts["from"] or _("the unassigned chats"))
    if case == "owner_online":
        return _("Returning lead: back to its owner %(owner)s (online).", owner=facts["owner"])
    if case == "owner_offline":
        return _("Returning lead: back to its owner %(owner)s (offline).", owner=facts["owner"])
    if case == "owner_kept":
        return _("Returning lead; its owner %(owner)s is offline and nobody in %(group)s is "
                 "online, so %(owner)s keeps it.", owner=facts["owner"], group=facts["group"])
    if case == "offline_transfer":
        return _("%(why)s; offline parent chat transfer to %(group)s: %(pick)s.",
                 why=_trigger(facts), group=facts["group"], pick=_pick(case, facts))
    return _preface(facts) + _new_lead(case, facts)


def _waiting_line(facts: dict) -> str:
    """A waiting chat given out: how long it waited, then why it went where it did."""
    return _("Waited %(wait)s for someone with room; %(then)s",
             wait=duration(timedelta(seconds=facts["waited_seconds"])),
             then=explain_facts(facts["then"]))


def _unanswered(facts: dict) -> str:
    """Why a chat counts as unanswered: its pre-seller let the lead wait too long."""
    why = _("%(name)s did not answer within %(minutes)s min", name=facts["assignee"],
            minutes=facts["minutes"])
    if facts.get("lapsed", 1) > 1:
        why = _("%(why)s (%(count)s pre-sellers have let this chat lapse)", why=why,
                count=facts["lapsed"])
    return why


def _reassigned(facts: dict) -> str:
    """An unanswered chat moved to someone else."""
    return _("%(why)s; %(pick)s.", why=_unanswered(facts), pick=_pick("reassigned", facts))


def _overdue(facts: dict) -> str:
    """An unanswered chat nobody else could take: it stays, flagged."""
    return _("%(why)s, and no other online pre-seller has room for it; it stays with "
             "%(name)s, flagged overdue.", why=_unanswered(facts), name=facts["assignee"])


def _group_transfer(facts: dict) -> str:
    """A manager transferred the chat to a group; the tiebreaker picked its member."""
    return _("%(actor)s transferred the chat from %(source)s to %(group)s: %(pick)s.",
             actor=facts["actor"], source=facts["from"] or _("the unassigned chats"),
             group=facts["group"], pick=_pick("group_transfer", facts))


_OTHER_CASES = {"waiting_line": _waiting_line, "reassigned": _reassigned, "overdue": _overdue,
                "group_transfer": _group_transfer}


def _new_lead(case: str, facts: dict) -> str:
    """Distribution, group, alternate or unassigned: who was eligible and who won."""
    if case == "distribution":
        return _("%(pick)s.", pick=_pick(case, facts))
    if case == "group":
        return _("%(pick)s; delivered through %(group)s.", pick=_pick(case, facts),
                 group=facts["group"])
    if case == "alternate":
        return _("%(nobody)s; %(alternates)s.", nobody=_nobody(facts),
                 alternates=_alternates(facts["alternates"]))
    if facts.get("alternates_full"):
        return _("%(nobody)s and every alternate recipient is at their limit of open chats; "
                 "the chat waits for a manager.", nobody=_nobody(facts))
    return _("%(nobody)s and there is no active alternate recipient; the chat waits for a "
             "manager.", nobody=_nobody(facts))


def _preface(facts: dict) -> str:
    """Why new-lead rules applied to a lead that had an owner ('' when it had none)."""
    gone = facts.get("owner_gone")
    if gone is None:
        return ""
    if gone["owner"]:
        return _("Owner %(owner)s can no longer receive chats, so new-lead rules apply.",
                 owner=gone["owner"]) + " "
    return _("The lead's owner can no longer receive chats, so new-lead rules apply.") + " "


def _trigger(facts: dict) -> str:
    """What made an offline parent chat transfer necessary."""
    if facts["trigger"] == "returning_lead":
        return _("Returning lead; its owner %(owner)s is offline", owner=facts["owner"])
    if facts["owner"]:
        return _("%(owner)s went offline while the lead awaited a reply", owner=facts["owner"])
    return _("The owner went offline while the lead awaited a reply")


def _nobody(facts: dict) -> str:
    """Why distribution found nobody, in the words of the chosen mode."""
    if facts["nobody"] == "no_groups":
        return _("No group is selected for distribution")
    full = facts.get("full")
    if full and facts["nobody"] == "groups":
        return ngettext("Every online pre-seller in %(groups)s is at their limit of open chats "
                        "(%(num)d pre-seller)",
                        "Every online pre-seller in %(groups)s is at their limit of open chats "
                        "(%(num)d pre-sellers)", full, groups=", ".join(facts["groups"]))
    if full:
        return ngettext("Every online pre-seller is at their limit of open chats "
                        "(%(num)d pre-seller)",
                        "Every online pre-seller is at their limit of open chats "
                        "(%(num)d pre-sellers)", full)
    if facts["nobody"] == "groups":
        return _("No online pre-seller in %(groups)s is available",
                 groups=", ".join(facts["groups"]))
    return _("No online pre-seller is available")


def _pick(case: str, facts: dict) -> str:
    """'3 online pre-sellers eligible; Ana had the fewest chats in activity (1)'."""
    pick = facts["pick"]
    pool = _POOLS[case](pick["size"], facts)
    if "tie" not in pick:
        return _("%(pool)s: %(winner)s", pool=pool, winner=pick["winner"])
    return _("%(pool)s; %(why)s", pool=pool, why=_tie(pick["winner"], pick["tie"]))


def _alternates(facts: dict) -> str:
    """Alternates: how many, how many online, and why the winner came first."""
    counted = ngettext("%(num)d alternate recipient", "%(num)d alternate recipients",
                       facts["size"])
    online = ngettext("%(num)d online", "%(num)d online", facts["online"]) \
        if facts["online"] else _("none online")
    head = _("%(alternates)s, %(online)s", alternates=counted, online=online)
    if not facts["winner_online"]:
        head = _("%(head)s; %(winner)s gets it while offline", head=head,
                 winner=facts["winner"])
    if "tie" in facts:
        return _("%(pool)s; %(why)s", pool=head, why=_tie(facts["winner"], facts["tie"]))
    if facts["winner_online"]:
        return _("%(pool)s: %(winner)s", pool=head, winner=facts["winner"])
    return head


def _tie(winner: str, tie: dict) -> str:
    """Which step of the tiebreaker decided, naming who tied."""
    if tie["step"] == "fewest_chats":
        return _("%(winner)s had the fewest chats in activity (%(chats)s)", winner=winner,
                 chats=tie["chats"])
    chats = ngettext("%(num)d chat", "%(num)d chats", tie["chats"])
    names = _names(tie["tied"], tie["tied_count"])
    at = tie["last_assigned_at"]
    when = long_moment(datetime.fromisoformat(at)) if at else ""
    if tie["step"] == "least_recent":
        recency = (_("%(winner)s was given a new chat least recently (%(when)s)",
                     winner=winner, when=when) if at
                   else _("%(winner)s was never given a new chat", winner=winner))
        return _("%(names)s tied at %(chats)s in activity; %(recency)s", names=names,
                 chats=chats, recency=recency)
    shared = (_("were last given a new chat at %(when)s", when=when) if at
              else _("were never given a new chat"))
    return _("%(names)s tied at %(chats)s in activity and %(shared)s; %(winner)s has the "
             "lowest user id", names=names, chats=chats, shared=shared, winner=winner)


def _names(kept: list[str], count: int) -> str:
    """'Ana, Bruno and 4 others': up to three names, the winner first."""
    if count > len(kept):
        kept = kept[:2] + [ngettext("%(num)d other", "%(num)d others", count - 2)]
    if len(kept) == 1:
        return kept[0]
    return _("%(names)s and %(last)s", names=", ".join(kept[:-1]), last=kept[-1])


def init_app(app: Flask) -> None:
    """`explain` (of a stored decision) and `explain_facts` as template filters of `app`."""
    app.add_template_filter(explain, "explain")
    app.add_template_filter(explain_facts, "explain_facts")
