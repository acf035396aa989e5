"""missing_protocol: the English protocol for children who go missing from home or care."""

from missing_protocol.episode import Assembly, Episode, assemble
from missing_protocol.lifecycle import EpisodeLifecycle, LifecycleError
from missing_protocol.model import Child, EventError

__all__ = [
    "Assembly",
    "Child",
    "Episode",
    "EpisodeLifecycle",
    "EventError",
    "LifecycleError",
    "assemble",
]
