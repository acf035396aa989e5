"""The invented borough Harryford and the published shares the example year reproduces."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pendulum

from missing_protocol.common.period import Cohort, Period
from missing_protocol.model import (
    ActionKind,
    Location,
    Sex,
)

AUTHORITY = "HRY"

AUTHORITY_NAME = "Harryford"

# Invented neighbouring authorities: they place children in Harryford and host some of ours.
NEIGHBOURS = ("KSW", "BDV", "MLF", "OKC")

PERIOD = Period(pendulum.Date(2025, 4, 1), pendulum.Date(2026, 4, 1))

EXAMPLE_SEED = 5

EXAMPLE_CHILDREN = 190

EXAMPLE_EPISODES = 806

# Later than every follow-up in the example: checking as of then leaves nothing pending.
EXAMPLE_AS_OF = "2026-05-31T23:59:59+01:00"

# The published shape (issue 5): children per cohort, ethnic group and sex at the example size.
COHORT_SHARES = {
    Cohort.OWN_LOOKED_AFTER: 82,
    Cohort.PLACED_HERE_BY_OTHERS: 18,
    Cohort.FROM_HOME: 90,
}

ETHNICITY_SHARES: dict[tuple[str, ...], int] = {
    ("BCRB", "BAFR", "BOTH"): 103,
    ("WBRI", "WOTH", "WIRI"): 36,
    ("MWBC", "MWBA", "MOTH", "MWAS"): 32,
    ("ABAN", "APKN", "AIND", "AOTH"): 11,
    ("OOTH", "CHNE"): 5,
    ("REFU", "NOBT"): 2,
    (): 1,  # no ethnicity recorded
}

SEX_SHARES = {Sex.MALE: 106, Sex.FEMALE: 83, Sex.UNKNOWN: 1}

# Children's homes and foster areas (no coordinates: a placement's address is not published).
PLACEMENTS = (
    "Elm Lodge children's home",
    "Beacon House children's home",
    "Orchard View children's home",
    "Larkspur Close semi-independent",
    "Foster home, Northgate",
    "Foster home, Millbrook",
    "Foster home, Wharfside",
)

# Wards of Harryford (public areas, with invented coordinates).
WARDS = (
    Location("Northgate ward", 51.5712, -0.2231),
    Location("Millbrook ward", 51.5634, -0.2049),
    Location("Wharfside ward", 51.5551, -0.2187),
    Location("Tollgate ward", 51.5489, -0.1963),
    Location("Kestrel Hill ward", 51.5820, -0.2102),
    Location("St Aldric's ward", 51.5598, -0.1875),
)

# Where children are found: public places carry coordinates, private addresses do not.
FOUND_PLACES: tuple[tuple[Location, int], ...] = (
    (Location("Harryford Broadway", 51.5601, -0.2102), 16),
    (Location("Tollgate Station", 51.5477, -0.1990), 13),
    (Location("Millbrook Shopping Centre", 51.5640, -0.2035), 11),
    (Location("Kestrel Park", 51.5795, -0.2140), 8),
    (Location("Northgate Bus Station", 51.5720, -0.2250), 7),
    (Location("Canal towpath, Wharf Lane", 51.5543, -0.2201), 5),
    (Location("Friend's address"), 20),
    (Location("Relative's address"), 12),
    (Location("Harryford Police Station", 51.5588, -0.2077), 4),
    (Location("Central London"), 4),
)

FOUND_ELSEWHERE = 0.25

SELF_RETURN = 0.35

RHI_PROVIDER = "Harryford Return Interview Service"

REASONS = (
    "conflict at home",
    "conflict in placement",
    "wanted to see friends",
    "wanted to see family",
    "relationship",
    "boredom",
    "substance use",
)

RISKS = ("cse", "cce", "mental_health", "substance_misuse", "county_lines", "online_harm")

OWNERS = {
    ActionKind.MENTAL_HEALTH_REFERRAL: "Harryford CAMHS",
    ActionKind.FAMILY_NETWORK: "Allocated social worker",
    ActionKind.DISRUPTION: "Harryford Exploitation Team",
    ActionKind.EDUCATION: "Virtual School",
    ActionKind.OTHER: "Youth Offending Service",
}

CANCELLED_SHARE = 0.015

BEFORE_PERIOD_SHARE = 0.08

HOUR = 3600

DAY = 24 * HOUR


def apportion(total: int, weights: Sequence[int]) -> list[int]:
    """Share `total` out in proportion to `weights`, exactly (largest remainder, ties by order)."""
    whole = sum(weights)
    parts = [total * w // whole for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in remainders[: total - sum(parts)]:
        parts[i] += 1
    return parts


def instant(start: dt.datetime, seconds: float) -> pendulum.DateTime:
    # Whole minutes, on the real clock (UTC arithmetic is elapsed time across clock changes).
    moment = pendulum.instance(start).in_timezone("UTC") + dt.timedelta(seconds=seconds)
    return moment.replace(second=0, microsecond=0)
