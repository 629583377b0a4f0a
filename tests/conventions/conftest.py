"""Fixtures of the agreement tests: those of the deliberation tests (an agreement needs a
voted deliberation), the APES case built with the factories."""

from tests.deliberations.conftest import *  # noqa: F403
