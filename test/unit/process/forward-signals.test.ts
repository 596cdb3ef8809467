import { describe, expect, it } from 'vitest';
import { FORWARDED_SIGNALS, inForegroundGroup } from '../../../src/process/forward-signals.js';

// proc(5): pid (comm) state ppid pgrp session tty_nr tpgid …
const stat = (comm: string, pgrp: number, tpgid: number): string => `4242 (${comm}) S 1 ${pgrp} ${pgrp} 34816 ${tpgid} 4194560 0 0`;

describe('inForegroundGroup', () => {
  it('is true when the process group is the terminal\'s foreground group', () => {
    expect(inForegroundGroup(stat('node', 4242, 4242))).toBe(true);
  });

  it('is false for a background group, and without a terminal (tpgid -1)', () => {
    expect(inForegroundGroup(stat('node', 4242, 4300))).toBe(false);
    expect(inForegroundGroup(stat('node', 4242, -1))).toBe(false);
  });

  it('reads the fields after the command name, which may hold spaces and parentheses', () => {
    expect(inForegroundGroup(stat('a) S 1 9 9 0 9 (b', 4242, 4242))).toBe(true);
    expect(inForegroundGroup(stat('a) S 1 9 9 0 9 (b', 4242, -1))).toBe(false);
    expect(inForegroundGroup('')).toBe(false);
  });
});

describe('FORWARDED_SIGNALS', () => {
  it('forwards every catchable signal but SIGCHLD, including SIGUSR1 and the terminal ones', () => {
    expect(FORWARDED_SIGNALS).not.toContain('SIGCHLD');
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH', 'SIGTSTP'] as const) expect(FORWARDED_SIGNALS).toContain(signal);
  });
});
