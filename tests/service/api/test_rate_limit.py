"""The rate limiter's memory: one bucket per client, and refilled buckets are forgotten."""

from __future__ import annotations

import time

from service.api.deps import RateLimiter


def test_clients_that_went_quiet_are_forgotten() -> None:
    limiter = RateLimiter(per_minute=60_000)  # refills 1,000 tokens a second
    limiter.prune_at = 100
    for i in range(100):
        assert limiter.check(f"client-{i}") == 0.0
    assert limiter.clients() == 100
    time.sleep(0.05)  # every bucket is full again after a millisecond
    limiter.check("newcomer")
    assert limiter.clients() == 1  # before: 101, and one more per client ever seen


def test_a_client_still_limited_keeps_its_bucket() -> None:
    limiter = RateLimiter(per_minute=1)
    limiter.prune_at = 2
    assert limiter.check("busy") == 0.0
    assert limiter.check("busy") > 0  # out of tokens for about a minute
    limiter.check("other")
    limiter.check("third")  # prunes: 'busy' has not refilled, 'other' has not either
    assert limiter.check("busy") > 0
