"""The Standard Safeguarding Dataset tables `ssd_missing` and `ssd_person`: `tables` (columns,
codes, reading CSV), `to_events` and `from_events`. Shares only `missing_protocol.tabular`
with the 903 package; the protocol core never imports it."""

from missing_protocol.ssd.from_events import (
    SsdExport,
    format_moment,
    to_rows,
    write_person_csv,
    write_ssd_csv,
)
from missing_protocol.ssd.tables import (
    PERSON_COLUMNS,
    SSD_COLUMNS,
    Answer,
    PersonRow,
    SsdRead,
    SsdRow,
    read_rows,
)
from missing_protocol.ssd.to_events import parse_moment, read_episodes_ssd, rows_to_events

__all__ = [
    "PERSON_COLUMNS",
    "SSD_COLUMNS",
    "Answer",
    "PersonRow",
    "SsdExport",
    "SsdRead",
    "SsdRow",
    "format_moment",
    "parse_moment",
    "read_episodes_ssd",
    "read_rows",
    "rows_to_events",
    "to_rows",
    "write_person_csv",
    "write_ssd_csv",
]
