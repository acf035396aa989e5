"""The SSDA903 return (the DfE's looked-after children collection) in one place.

`tables` (rows, dates, collection year), `read` and `xml_return` (CSV and XML in),
`to_events` and `from_events` (conversion, CSV out), and the DfE validation rules
(`rules_missing`, `rules_episodes`, run by `validate`). Importing the package registers the
rules (family `ssda903`) in the shared registry. The protocol core never imports it.
"""

# Imported for registration, in the order the DfE lists the codes.
from missing_protocol.ssda903 import rules_missing, rules_episodes  # noqa: F401, I001
from missing_protocol.ssda903.check_return import ReturnCheck, check_return
from missing_protocol.ssda903.from_events import (
    Export903,
    to_tables,
    write_header_csv,
    write_missing_csv,
)
from missing_protocol.ssda903.read import Source903, classify, read_tables, read_tables_903
from missing_protocol.ssda903.tables import (
    HEADER_COLUMNS,
    MISSING_COLUMNS,
    CollectionYear,
    EpisodeRow,
    HeaderRow,
    MissingRow,
    RowRef,
    Table,
    TableRead,
    Tables903,
    Unit,
    format_903_date,
    parse_903_date,
)
from missing_protocol.ssda903.to_events import (
    away_in_log,
    episode_ids,
    read_episodes_903,
    tables_to_events,
)
from missing_protocol.ssda903.validate import validate_903
from missing_protocol.ssda903.xml_return import read_xml_tables, write_903_xml
from missing_protocol.tabular import Conversion, DatePolicy, Loss, MissingType

__all__ = [
    "HEADER_COLUMNS",
    "MISSING_COLUMNS",
    "CollectionYear",
    "Conversion",
    "DatePolicy",
    "EpisodeRow",
    "Export903",
    "HeaderRow",
    "Loss",
    "MissingRow",
    "MissingType",
    "ReturnCheck",
    "RowRef",
    "Source903",
    "Table",
    "TableRead",
    "Tables903",
    "Unit",
    "away_in_log",
    "check_return",
    "classify",
    "episode_ids",
    "format_903_date",
    "parse_903_date",
    "read_episodes_903",
    "read_tables",
    "read_tables_903",
    "read_xml_tables",
    "tables_to_events",
    "to_tables",
    "validate_903",
    "write_903_xml",
    "write_header_csv",
    "write_missing_csv",
]
