"""Hypothesis settings for the strategy tests: modest example counts so the files run fast.

The profile is registered, not loaded, so other test directories keep their own settings; the
tests here apply it with ``@settings(settings.get_profile(PROFILE))``.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

PROFILE = "lotuspay-strategies"

settings.register_profile(
    PROFILE,
    max_examples=60,
    deadline=None,  # the first draw builds caches; a shared CI machine is slow at times
    suppress_health_check=[HealthCheck.too_slow],
)
