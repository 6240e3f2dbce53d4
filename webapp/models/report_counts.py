"""The report counts: what the dashboard's reports count, kept per UTC day, hour and quarter
hour and pre-seller as it happens (services.report_counts), so a report reads a few
thousand rows whatever the number of chats.

One row per (grain, start, user_id); every count a column, only ever incremented. The time
histograms (first response, the waiting line) are a fixed set of columns, one per bucket of
domain.reports.TIME_BUCKETS: 62 integer columns, none of them read one by one in a loop.
"""
from sqlalchemy import Column, Integer, String, Table

from ..db import UTCDateTime
from ..domain.codes import RoutingReason
from ..domain.reports import BUCKET_COUNT
from ..extensions import Model

# The grains: whole UTC days and hours serve every report; quarter hours the volume (new
# chats by local hour, whatever the zone's offset).
DAY, HOUR, QUARTER = "day", "hour", "quarter"
# user_id of counts nobody is behind (an unassigned chat, the waiting line): 0, not NULL,
# so the row's key is unique on both databases (user ids start at 1).
NOBODY = 0
# New chats by the reason they opened with (a chat opened before reasons were recorded:
# "unrecorded").
OPENING_REASONS = (RoutingReason.OWNER, RoutingReason.DISTRIBUTION, RoutingReason.GROUP,
                   RoutingReason.ALTERNATE, RoutingReason.UNASSIGNED,
                   RoutingReason.OFFLINE_TRANSFER)  # (a returning lead whose owner is offline)
NEW_COLUMNS: dict[str | None, str] = {
    **{str(reason): f"new_{reason}" for reason in OPENING_REASONS}, None: "new_unrecorded"}
REPLY_COLUMNS = tuple(f"reply_{index:02d}" for index in range(BUCKET_COUNT))
WAIT_COLUMNS = tuple(f"wait_{index:02d}" for index in range(BUCKET_COUNT))
COUNT_COLUMNS = (*NEW_COLUMNS.values(), "expired", "transfers_in", "transfers_out",
                 *REPLY_COLUMNS, *WAIT_COLUMNS)

report_counts = Table(
    "report_counts", Model.metadata,
    Column("grain", String(7), primary_key=True),
    Column("start", UTCDateTime(), primary_key=True),
    Column("user_id", Integer, primary_key=True),
    *(Column(name, Integer, nullable=False, server_default="0") for name in COUNT_COLUMNS),
)
