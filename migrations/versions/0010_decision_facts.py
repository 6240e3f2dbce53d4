"""Routing decisions keep facts, not sentences: `facts` (JSON) beside the reason code.

The English sentence each decision was stored with is read back into its facts (who was
eligible, who tied and on what counts, the groups, the owner, who acted), so pages can word
it in their reader's language. A sentence this cannot read keeps its text, as
`legacy_detail`, and pages show it as it was.

Revision ID: 0010_decision_facts
Revises: 0009_user_locale
"""
import re
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0010_decision_facts"
down_revision = "0009_user_locale"
branch_labels = None
depends_on = None

BATCH = 1000
_WHEN = r"(?P<when>\d{4}-\d\d-\d\d \d\d:\d\d) UTC"
_TIES = (
    ("fewest_chats", re.compile(r"(?P<winner>.+) had the fewest chats in activity "
                                r"\((?P<chats>\d+)\)")),
    ("least_recent", re.compile(r"(?P<names>.+) tied at (?P<chats>\d+) chats? in activity; "
                                r"(?P<winner>.+) was (never given a new chat|given a new chat "
                                r"least recently \(" + _WHEN + r"\))")),
    ("lowest_id", re.compile(r"(?P<names>.+) tied at (?P<chats>\d+) chats? in activity and "
                             r"(were never given a new chat|were last given a new chat at "
                             + _WHEN + r"); (?P<winner>.+) has the lowest user id")),
)
_PREFACE = re.compile(r"(Owner (?P<owner>.+)|The lead's owner) can no longer receive chats, "
                      r"so new-lead rules apply\. (?P<rest>.+)")
_NOBODY = re.compile(r"(?P<nobody>No online pre-seller is available|No group is selected for "
                     r"distribution|No online pre-seller in (?P<groups>.+) is available)")


def _full(pattern: str, text: str):
    """The match of `pattern` over the whole text, or None."""
    return re.fullmatch(pattern, text, re.DOTALL)


def _names(text: str) -> tuple[list[str], int]:
    """'Ana, Bruno and 4 others' → (['Ana', 'Bruno'], 6); 'Ana and Bruno' → both, 2."""
    head, _, last = text.rpartition(" and ")
    names = (head.split(", ") if head else []) + [last]
    others = _full(r"(\d+) others", last)
    if others:
        return names[:-1], len(names) - 1 + int(others.group(1))
    return names, len(names)


def _iso(when: str | None) -> str | None:
    """'2026-11-24 11:30' (UTC) → ISO 8601."""
    if not when:
        return None
    return datetime.strptime(when, "%Y-%m-%d %H:%M").replace(tzinfo=UTC).isoformat()


def _tie(text: str) -> tuple[str, dict] | None:
    """(winner, tie facts) from the tiebreaker's clause."""
    for step, pattern in _TIES:
        found = pattern.fullmatch(text)
        if not found:
            continue
        tie = {"step": step, "chats": int(found.group("chats"))}
        if step != "fewest_chats":
            names, count = _names(found.group("names"))
            tie.update(tied=names, tied_count=count, last_assigned_at=_iso(found.group("when")))
        return found.group("winner"), tie
    return None


def _pick(text: str, noun: str) -> dict | None:
    """'3 <noun>s eligible; <tie>' or '1 <noun> eligible: Ana' → pick facts."""
    found = _full(r"(?P<size>\d+) " + noun + r" eligible(: (?P<winner>.+)|; (?P<tie>.+))", text)
    if not found:
        return None
    if found.group("winner"):
        return {"size": int(found.group("size")), "winner": found.group("winner")}
    tie = _tie(found.group("tie"))
    return tie and {"size": int(found.group("size")), "winner": tie[0], "tie": tie[1]}


def _alternates(text: str) -> dict | None:
    """'2 alternate recipients, none online; Bruno gets it while offline; <tie>'."""
    found = _full(r"(?P<size>\d+) alternate recipients?, (?P<online>\d+|none) online"
                  r"(?P<off>; (?P<offline>.+?) gets it while offline)?"
                  r"(: (?P<winner>.+)|; (?P<tie>.+))?", text)
    if not found:
        return None
    facts = {"size": int(found.group("size")),
             "online": 0 if found.group("online") == "none" else int(found.group("online")),
             "winner_online": not found.group("off"),
             "winner": found.group("winner") or found.group("offline")}
    if found.group("tie"):
        tie = _tie(found.group("tie"))
        if tie is None:
            return None
        facts["winner"], facts["tie"] = tie
    return facts if facts["winner"] else None


def _nobody(text: str) -> dict | None:
    """Why distribution found nobody."""
    found = _NOBODY.fullmatch(text)
    if not found:
        return None
    if found.group("groups"):
        return {"nobody": "groups", "groups": found.group("groups").split(", ")}
    return {"nobody": "no_groups" if "group is selected" in text else "online"}


def _new_lead(reason: str, text: str) -> dict | None:
    """Distribution, group, alternate or unassigned, after any preface."""
    facts: dict = {}
    preface = _PREFACE.fullmatch(text)
    if preface:
        facts["owner_gone"] = {"owner": preface.group("owner")}
        text = preface.group("rest")
    if reason == "distribution":
        found = _full(r"(.+)\.", text)
        pick = found and _pick(found.group(1), r"online pre-sellers?")
        return pick and {"case": "distribution", **facts, "pick": pick}
    if reason == "group":
        found = _full(r"(?P<pick>(?P<size>\d+) online pre-sellers? in (?P<groups>.+?) "
                      r"eligible[:;] .+); delivered through (?P<group>.+)\.", text)
        pick = found and _pick(found.group("pick"),
                               r"online pre-sellers? in " + re.escape(found.group("groups")))
        return pick and {"case": "group", **facts, "groups": found.group("groups").split(", "),
                         "group": found.group("group"), "pick": pick}
    if reason == "alternate":
        found = _full(r"(?P<nobody>.+?); (?P<rest>\d+ alternate recipients?, .+)\.", text)
        nobody = found and _nobody(found.group("nobody"))
        alternates = found and _alternates(found.group("rest"))
        return nobody and alternates and {"case": "alternate", **facts, **nobody,
                                          "alternates": alternates}
    found = _full(r"(.+) and there is no active alternate recipient; the chat waits for a "
                  r"manager\.", text)
    nobody = found and _nobody(found.group(1))
    return nobody and {"case": "unassigned", **facts, **nobody}


_OWNER_CASES = (
    ("owner_online", r"Returning lead: back to its owner (?P<owner>.+) \(online\)\."),
    ("owner_offline", r"Returning lead: back to its owner (?P<owner>.+) \(offline\)\."),
    ("owner_kept", (r"Returning lead; its owner (?P<owner>.+) is offline and nobody in "
                    r"(?P<group>.+) is online, so (?P=owner) keeps it\.")),
)


def _owner(text: str) -> dict | None:
    """A returning lead's decision about its owner."""
    for case, pattern in _OWNER_CASES:
        found = _full(pattern, text)
        if found:
            return {"case": case, **found.groupdict()}
    return None


def _offline_transfer(text: str) -> dict | None:
    """An offline parent chat transfer: what made it necessary, and who was picked."""
    found = _full(r"(?P<why>.+?); offline parent chat transfer to (?P<group>.+?): "
                  r"(?P<pick>\d+ online members? of .+)\.", text)
    if not found:
        return None
    why, group = found.group("why"), found.group("group")
    returning = _full(r"Returning lead; its owner (.+) is offline", why)
    went = _full(r"(.+) went offline while the lead awaited a reply", why)
    if returning:
        trigger = {"trigger": "returning_lead", "owner": returning.group(1)}
    elif went:
        owner = went.group(1)
        trigger = {"trigger": "owner_went_offline",
                   "owner": None if owner == "The owner" else owner}
    else:
        return None
    pick = _pick(found.group("pick"), r"online members? of " + re.escape(group))
    return pick and {"case": "offline_transfer", **trigger, "group": group, "pick": pick}


def facts_from_detail(reason: str, detail: str) -> dict | None:
    """The facts an old decision's sentence states, or None when it cannot be read."""
    text = (detail or "").strip()
    if reason == "manual_transfer":
        found = _full(r"(?P<actor>.+?) transferred the chat from (?P<source>.+) to "
                      r"(?P<to>.+)\.", text)
        source = found and found.group("source")
        return found and {"case": "manual", "actor": found.group("actor"), "to": found.group("to"),
                          "from": None if source == "the unassigned chats" else source}
    if reason == "owner":
        return _owner(text)
    if reason == "offline_parent_transfer":
        return _offline_transfer(text)
    if reason in ("distribution", "group", "alternate", "unassigned"):
        return _new_lead(reason, text)
    return None


def upgrade():
    """Add the facts, read every stored sentence into them, keep the unreadable ones."""
    with op.batch_alter_table("routing_decisions") as batch:
        batch.add_column(sa.Column("facts", sa.JSON(), nullable=True))
        batch.alter_column("detail", new_column_name="legacy_detail", existing_type=sa.Text(),
                           nullable=True)
    decisions = sa.table("routing_decisions", sa.column("id", sa.Integer),
                         sa.column("reason", sa.String),
                         sa.column("facts", sa.JSON(none_as_null=True)),
                         sa.column("legacy_detail", sa.Text))
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(decisions.c.id, decisions.c.reason, decisions.c.legacy_detail)
            .where(decisions.c.id > last).order_by(decisions.c.id).limit(BATCH)).all()
        if not rows:
            break
        last = rows[-1].id
        for row in rows:
            facts = facts_from_detail(row.reason, row.legacy_detail or "")
            connection.execute(
                decisions.update().where(decisions.c.id == row.id).values(
                    facts=facts, legacy_detail=None if facts else (row.legacy_detail or None)))


def downgrade():
    """Back to sentences: the facts are dropped, converted rows keep an empty detail."""
    connection = op.get_bind()
    connection.execute(sa.text("UPDATE routing_decisions SET legacy_detail = '' "
                               "WHERE legacy_detail IS NULL"))
    with op.batch_alter_table("routing_decisions") as batch:
        batch.alter_column("legacy_detail", new_column_name="detail", existing_type=sa.Text(),
                           nullable=False)
        batch.drop_column("facts")

