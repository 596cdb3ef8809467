import { describe, expect, it } from 'vitest';
import { FORWARDED_SIGNALS } from '../../../src/process/forward-signals.js';

describe('FORWARDED_SIGNALS', () => {
  it('forwards every catchable signal but SIGCHLD, including SIGUSR1 and the terminal ones', () => {
    expect(FORWARDED_SIGNALS).not.toContain('SIGCHLD');
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH', 'SIGTSTP'] as const) expect(FORWARDED_SIGNALS).toContain(signal);
  });
});
