"""missing_protocol: the English protocol for children who go missing from home or care.

The public API: `check` an event log as of a moment, `validate` one proposed event against the
events already accepted (for services), read events, assemble episodes, ask who is responsible,
load profiles. See CONTRACT.md for the JSON this produces.
"""

from missing_protocol.check import CheckResult, Counts, check, evaluate
from missing_protocol.episode import Assembly, Episode, assemble
from missing_protocol.formats.events import read_file as read_events
from missing_protocol.lifecycle import EpisodeLifecycle, LifecycleError
from missing_protocol.model import Child, EventError
from missing_protocol.profiles import Parameters, Profile, ProfileError
from missing_protocol.profiles import load as load_profile
from missing_protocol.responsibility import rhi_owner
from missing_protocol.rules import REGISTRY, Finding, Status
from missing_protocol.workflow import Problem, Verdict, allowed_next, validate

__all__ = [
    "REGISTRY",
    "Assembly",
    "CheckResult",
    "Child",
    "Counts",
    "Episode",
    "EpisodeLifecycle",
    "EventError",
    "Finding",
    "LifecycleError",
    "Parameters",
    "Problem",
    "Profile",
    "ProfileError",
    "Status",
    "Verdict",
    "allowed_next",
    "assemble",
    "check",
    "evaluate",
    "load_profile",
    "read_events",
    "rhi_owner",
    "validate",
]
