"""Ground the period report and partnership intelligence share, below both: the period and the
authority's cohorts (`period`), disclosure control (`suppression`) and plain-text tables
(`texttable`). Imports only the core; `report` composes `intelligence`, and neither is imported
from here."""
