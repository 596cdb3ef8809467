// --wait MIN[:MAX] with fake timers: consul-template's quiescence, to the millisecond.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createQuiescence, REAL_TIMERS } from '../../../src/watch/quiescence.js';

describe('quiescence (--wait MIN:MAX)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const start = (min: number, max: number) => {
    const settled: number[] = [];
    const quiet = createQuiescence({ min, max }, () => settled.push(Date.now()), REAL_TIMERS);
    return { quiet, settled };
  };

  it('settles MIN after a single change', () => {
    const { quiet, settled } = start(200, 2000);
    quiet.poke();
    vi.advanceTimersByTime(199);
    expect(settled).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(settled).toEqual([200]);
    expect(quiet.pending).toBe(false);
  });

  it('restarts the MIN timer on each further change', () => {
    const { quiet, settled } = start(200, 2000);
    quiet.poke();
    vi.advanceTimersByTime(150);
    quiet.poke();
    vi.advanceTimersByTime(150);
    quiet.poke();
    vi.advanceTimersByTime(199);
    expect(settled).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(settled).toEqual([500]);
  });

  it('never waits past MAX after the first change, however busy the changes', () => {
    const { quiet, settled } = start(200, 1000);
    for (let t = 0; t < 3000; t += 100) {
      quiet.poke();
      vi.advanceTimersByTime(100);
    }
    // A change every 100 ms never leaves MIN quiet: it settles at MAX, 1000, and again
    // MAX after the first change that follows (at 1000), and so on.
    expect(settled).toEqual([1000, 2000, 3000]);
  });

  it('a burst of 30 changes settles once', () => {
    const { quiet, settled } = start(50, 400);
    for (let i = 0; i < 30; i += 1) {
      quiet.poke();
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(1000);
    expect(settled).toEqual([79]);
  });

  it('--wait 0 settles on the next timer tick, batching changes of the same tick', () => {
    const { quiet, settled } = start(0, 0);
    quiet.poke();
    quiet.poke();
    expect(settled).toEqual([]);
    vi.advanceTimersByTime(0);
    expect(settled).toEqual([0]);
  });

  it('cancel forgets pending changes; a later change starts afresh', () => {
    const { quiet, settled } = start(200, 300);
    quiet.poke();
    vi.advanceTimersByTime(100);
    quiet.cancel();
    expect(quiet.pending).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(settled).toEqual([]);
    quiet.poke();
    vi.advanceTimersByTime(200);
    expect(settled).toEqual([1300]);
  });

  it('negative control: with MAX equal to MIN, continued changes do not postpone the settle', () => {
    const { quiet, settled } = start(200, 200);
    quiet.poke();
    vi.advanceTimersByTime(150);
    quiet.poke();
    vi.advanceTimersByTime(50);
    expect(settled).toEqual([200]);
  });
});
