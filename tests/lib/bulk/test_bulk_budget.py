"""RateBudget is sans-IO: every test drives it with a table of times and calls, no clock, no sleep."""

from __future__ import annotations

import math
import pickle
from typing import Dict, List, Optional, Tuple

import pytest

from cerebras.cloud.sdk.lib.bulk import Limits, RateBudget


def admitted_at(budget: RateBudget, times: List[float], tokens: int = 1) -> List[Tuple[float, float]]:
    """`(time, answer)` for one reserve at each time."""
    return [(now, budget.reserve(now, tokens)) for now in times]


@pytest.mark.parametrize(
    ("limits", "tokens", "times", "answers"),
    [
        # rpm=2: two go at once, the third waits 30 s (one request back every 30 s)
        (Limits(rpm=2), 1, [0, 0, 0, 10, 30], [0, 0, 30, 20, 0]),
        # tpm=100 with 40-token requests: two fit, the third needs 20 more tokens = 12 s
        (Limits(tpm=100), 40, [0, 0, 0, 12], [0, 0, 12, 0]),
        # rph=1: the second waits a whole hour
        (Limits(rph=1), 1, [0, 1800, 3600], [0, 1800, 0]),
        # the tighter of two limits wins: rpm=60 has room, tpm=20 refills a token every 3 s
        (Limits(rpm=60, tpm=20), 10, [0, 0, 1], [0, 0, 29]),
    ],
)
def test_explicit_limits_pace_requests_and_tokens(
    limits: Limits, tokens: int, times: List[float], answers: List[float]
) -> None:
    budget = RateBudget(limits)
    got = [answer for _, answer in admitted_at(budget, times, tokens)]
    assert got == pytest.approx(answers)


def test_a_request_larger_than_a_token_limit_can_never_go() -> None:
    assert RateBudget(Limits(tpm=100)).reserve(0, 101) == math.inf


def test_settle_refunds_unused_tokens_and_charges_extra() -> None:
    budget = RateBudget(Limits(tpm=100))
    assert budget.reserve(0, 80) == 0
    assert budget.reserve(0, 80) > 0  # only 20 left
    budget.settle(0, 80, 10)  # it used 10: 70 come back
    assert budget.in_flight == 0
    assert budget.reserve(0, 80) == 0
    budget.settle(0, 80, 100)  # it used 20 more than reserved
    assert budget.remaining(0)["tokens_per_minute"] == pytest.approx(-10)
    budget.settle(0, 0, None)  # unknown usage keeps the estimate; in-flight stays >= 0
    assert budget.in_flight == 0


def test_max_in_flight_caps_until_a_request_settles() -> None:
    budget = RateBudget(max_in_flight=2)
    assert [budget.reserve(0, 5) for _ in range(3)] == [0, 0, pytest.approx(0.01)]
    budget.settle(0.5, 5, 5)
    assert budget.reserve(0.5, 5) == 0
    assert budget.in_flight == 2
    assert budget.in_flight_tokens == 10


def test_pause_blocks_everything_until_it_ends() -> None:
    budget = RateBudget()
    budget.pause(10, 2.5)
    budget.pause(10, 1.0)  # a shorter pause does not shorten the first
    assert budget.reserve(11, 1) == pytest.approx(1.5)
    assert budget.reserve(12.5, 1) == 0


def headers(**figures: object) -> Dict[str, str]:
    """`remaining_tokens_minute=5` -> `{"x-ratelimit-remaining-tokens-minute": "5"}`."""
    out: Dict[str, str] = {}
    for name, value in figures.items():
        kind, unit, window = name.split("_")
        out[f"x-ratelimit-{kind}-{unit}-{window}"] = str(value)
    return out


def test_reported_remaining_holds_until_reset_then_the_limit_returns() -> None:
    budget = RateBudget()
    assert budget.reserve(0, 1) == 0
    budget.settle(1, 1, 1)
    budget.observe(1, headers(limit_requests_minute=3, remaining_requests_minute=1, reset_requests_minute=20))
    assert budget.reserve(1, 1) == 0
    assert budget.reserve(2, 1) == pytest.approx(19)  # nothing left until the reset at t=21
    assert budget.reserve(21, 1) == 0  # full again: 3, less the one still in flight
    assert budget.reserve(21, 1) == 0
    assert budget.reserve(21, 1) > 0


def test_an_older_response_does_not_overwrite_a_newer_remaining() -> None:
    budget = RateBudget()
    tickets = []
    for _ in range(2):
        assert budget.reserve(0, 1) == 0
        tickets.append(budget.admitted)
    assert tickets == [1, 2]
    budget.settle(1, 1, 1)
    budget.settle(1, 1, 1)  # both done, nothing in flight
    # the second request's answer is observed first: 2 left; then the first's, counted by the
    # server before the second: 3 left, no longer true
    budget.observe(1, headers(remaining_requests_minute=2, reset_requests_minute=50), tickets[1])
    budget.observe(1, headers(remaining_requests_minute=3, reset_requests_minute=50), tickets[0])
    assert budget.remaining(1)["requests_per_minute"] == 2
    # without tickets (the old call), the last word wins
    budget.observe(1, headers(remaining_requests_minute=3, reset_requests_minute=50))
    assert budget.remaining(1)["requests_per_minute"] == 3


def continuous_figures(budget: RateBudget, times: List[float], limit: int = 120, used: int = 100) -> None:
    """What a server whose bucket refills continuously (limit per 60 s) reports: `used` spent,
    full again after used * 60 / limit seconds, whatever the time."""
    for now in times:
        budget.observe(
            now,
            headers(
                limit_requests_minute=limit,
                remaining_requests_minute=limit - used,
                reset_requests_minute=used * 60 / limit,
            ),
        )


def test_a_window_that_refills_continuously_grows_between_responses() -> None:
    budget = RateBudget()
    continuous_figures(budget, [0, 10, 20])  # the same rate, 2 a second, for 20 s
    assert budget.remaining(20)["requests_per_minute"] == 20
    # 20 requests drain it; the next waits for one to come back (0.5 s), not for the reset (50 s)
    assert [budget.reserve(20, 1) for _ in range(20)] == [0] * 20
    budget.in_flight = 0  # they came back without news
    assert budget.reserve(20, 1) == pytest.approx(0.5)
    assert budget.reserve(20.5, 1) == 0
    assert budget.remaining(25)["requests_per_minute"] == pytest.approx(9)


def test_a_fixed_window_never_counts_on_a_refill_before_its_reset() -> None:
    budget = RateBudget()
    # a window of 120 that ends at t=60: what is used only grows, the time left shrinks
    for now, used in [(0, 30), (10, 40), (20, 60), (30, 70), (40, 100), (50, 110)]:
        budget.observe(
            now,
            headers(
                limit_requests_minute=120,
                remaining_requests_minute=120 - used,
                reset_requests_minute=60 - now,
            ),
        )
    assert [budget.reserve(50, 1) for _ in range(10)] == [0] * 10
    budget.in_flight = 0
    assert budget.reserve(50, 1) == pytest.approx(10)  # nothing back before the reset at t=60
    assert budget.reserve(59, 1) == pytest.approx(1)
    assert budget.reserve(60, 1) == 0


def test_a_rate_seen_only_briefly_is_not_trusted() -> None:
    budget = RateBudget()
    continuous_figures(budget, [0, 0.1, 0.2])  # agree, but over less than half a second
    budget.in_flight = 0
    assert [budget.reserve(0.2, 1) for _ in range(20)] == [0] * 20
    assert budget.reserve(0.2, 1) == pytest.approx(50)  # until the reset


def test_reported_remaining_discounts_requests_in_flight() -> None:
    budget = RateBudget()
    for _ in range(3):
        assert budget.reserve(0, 100) == 0
    budget.settle(0, 100, 100)
    # 2 still in flight, which the server may not have counted: 3 - 2 = 1 request, 500 - 200 tokens
    budget.observe(0, headers(remaining_requests_day=3, remaining_tokens_minute=500, reset_tokens_minute=60))
    assert budget.remaining(0) == {"requests_per_day": 1, "tokens_per_minute": 300}
    assert budget.reserve(0, 400) == pytest.approx(60)  # more than is left: wait for the reset
    assert budget.reserve(0, 300) == 0


def test_headers_and_explicit_limits_both_apply() -> None:
    budget = RateBudget(Limits(rpm=10))
    budget.observe(
        0, headers(limit_requests_minute=100, remaining_requests_minute=2, reset_requests_minute=5)
    )
    assert [budget.reserve(0, 1) for _ in range(3)] == [0, 0, 5]  # the server's 2 bind
    budget = RateBudget(Limits(rpm=1))
    budget.observe(0, headers(remaining_requests_minute=50))
    assert [budget.reserve(0, 1) for _ in range(2)] == [0, 60]  # the explicit 1 binds


def test_unreadable_and_unrelated_headers_are_ignored() -> None:
    budget = RateBudget()
    budget.observe(0, {"x-ratelimit-remaining-tokens-minute": "lots", "content-type": "application/json"})
    assert budget.remaining(0) == {}
    assert budget.reserve(0, 10**9) == 0


def test_a_request_above_the_reported_limit_can_never_go() -> None:
    budget = RateBudget()
    budget.observe(0, headers(limit_tokens_minute=1000, remaining_tokens_minute=1000))
    assert budget.reserve(0, 1001) == math.inf


def test_the_budget_is_plain_data_that_pickles() -> None:
    budget = RateBudget(Limits(rpm=5, tpm=1000), max_in_flight=3)
    assert budget.reserve(0, 10) == 0
    budget.observe(0, headers(remaining_tokens_minute=900, reset_tokens_minute=6))
    copy = pickle.loads(pickle.dumps(budget))
    assert copy.remaining(1) == budget.remaining(1)
    assert copy.in_flight == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rpm": 0}, "Limits.rpm must be a positive integer or None, got 0"),
        ({"tpd": 1.5}, "Limits.tpd must be a positive integer or None, got 1.5"),
        ({"tph": True}, "Limits.tph must be a positive integer or None, got True"),
    ],
)
def test_limits_reject_bad_values_naming_the_field(kwargs: Dict[str, object], message: str) -> None:
    with pytest.raises(ValueError) as info:
        Limits(**kwargs)  # type: ignore[arg-type]
    assert str(info.value) == message


@pytest.mark.parametrize("value", [0, -1, 2.0, "3"])
def test_max_in_flight_must_be_positive(value: object) -> None:
    with pytest.raises(ValueError, match="max_in_flight"):
        RateBudget(max_in_flight=value)  # type: ignore[arg-type]


def test_negative_tokens_are_rejected() -> None:
    with pytest.raises(ValueError, match="tokens"):
        RateBudget().reserve(0, -1)


def test_limits_by_window() -> None:
    limits: Optional[Limits] = Limits(rpm=1, tpd=2)
    assert limits is not None
    assert limits.by_window() == {("requests", "minute"): 1, ("tokens", "day"): 2}
