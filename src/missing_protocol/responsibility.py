"""Who owns each action (PROTOCOL.md "Who owns the interview"), as plain functions.

A service can ask "who must do the interview for this episode?" without running a check.
"""

from __future__ import annotations

from missing_protocol import profiles
from missing_protocol.episode import Episode
from missing_protocol.profiles import Parameters, Profile, RhiOwnerOutOfArea


def rhi_owner(episode: Episode, profile: Profile | Parameters | str = "statutory") -> str:
    """The authority that must offer and hold the return interview for `episode`."""
    params = _parameters(episode, profile)
    if episode.is_placed_out_of_area and params.rhi_owner_out_of_area is RhiOwnerOutOfArea.HOST:
        return episode.host_authority
    return episode.responsible_authority


def responsible_authority(episode: Episode) -> str:
    """Notifications to the host and IRO, strategy discussions and plans: the placing authority."""
    return episode.responsible_authority


def host_authority(episode: Episode) -> str:
    """The placement's authority, which tells the responsible authority the child is missing."""
    return episode.host_authority


def _parameters(episode: Episode, profile: Profile | Parameters | str) -> Parameters:
    if isinstance(profile, Parameters):
        return profile
    return profiles.load(profile).at(episode.reported_at)
