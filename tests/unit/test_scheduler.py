import numpy as np

from app.core.clock import NS_PER_MS, NS_PER_S, VirtualClock
from app.core.frames import Action, Decision, UserState
from app.interaction.scheduler import MicroTurnScheduler


def make_step(clock: VirtualClock, seen: list[tuple[int, int, int]], work_ns: int = 0):
    def step(tick: int, t_ns: int) -> Decision:
        seen.append((tick, t_ns, clock.now_ns()))
        if work_ns:
            clock.advance(work_ns)
        return Decision(t_ns=t_ns, tick=tick, action=Action.LISTEN, user_state=UserState.SILENT, mic_level_db=-90)
    return step


def test_one_tick_per_200ms_in_order_without_drift_over_ten_minutes():
    clock = VirtualClock(start_ns=123)
    seen: list[tuple[int, int, int]] = []
    decisions: list[Decision] = []
    sched = MicroTurnScheduler(clock, make_step(clock, seen), period_ms=200, on_decision=decisions.append)
    stats = sched.run(123, n_ticks=3000)  # 600 s of virtual time
    assert stats.ticks == 3000
    ticks = [s[0] for s in seen]
    assert ticks == list(range(1, 3001))
    times = np.array([s[1] for s in seen])
    np.testing.assert_array_equal(times, 123 + np.arange(1, 3001) * 200 * NS_PER_MS)
    assert clock.now_ns() == 123 + 600 * NS_PER_S  # exactly 10 minutes later: no drift
    assert all(s[2] == s[1] for s in seen)  # every tick ran at its deadline
    assert stats.misses == 0
    assert [d.tick for d in decisions] == ticks


def test_slow_step_counts_deadline_misses_and_catch_up_runs_every_tick():
    clock = VirtualClock()
    seen: list[tuple[int, int, int]] = []
    sched = MicroTurnScheduler(clock, make_step(clock, seen, work_ns=300 * NS_PER_MS), period_ms=200)
    stats = sched.run(0, n_ticks=5)
    assert [s[0] for s in seen] == [1, 2, 3, 4, 5]
    assert stats.misses == 5
    assert max(stats.late_ms) > 0


def test_live_mode_skips_ticks_it_is_too_late_for():
    clock = VirtualClock()
    seen: list[tuple[int, int, int]] = []
    sched = MicroTurnScheduler(clock, make_step(clock, seen, work_ns=450 * NS_PER_MS), period_ms=200,
                               catch_up=False)
    sched.run(0, n_ticks=7)
    # Tick 1 ends at 650 ms: tick 2 (400 ms) is a whole period late and skipped, tick 3 (600 ms) runs late.
    assert [s[0] for s in seen] == [1, 3, 5, 7]
    assert sched.stats.misses >= 4


def test_summary_reports_percentiles():
    clock = VirtualClock()
    sched = MicroTurnScheduler(clock, make_step(clock, []), period_ms=200)
    s = sched.run(0, n_ticks=10).summary()
    assert s["ticks"] == 10
    assert 0 <= s["compute_ms_p50"] <= s["compute_ms_p99"] <= s["compute_ms_max"]
