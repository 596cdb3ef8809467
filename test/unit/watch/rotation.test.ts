// One rotation with fakes for reading, writing, restarting and signalling: validate
// first, compare by content, then render and reload or restart; never overlap.

import { describe, expect, it } from 'vitest';
import { RunsecretsError } from '../../../src/errors.js';
import { createLogger } from '../../../src/log.js';
import type { WatchState } from '../../../src/watch/diff.js';
import { createRotator, type Reading } from '../../../src/watch/rotation.js';

const state = (env: Record<string, string>, files: Record<string, string> = {}): WatchState => ({
  env,
  files: Object.entries(files).map(([destination, content]) => ({ destination, content: Buffer.from(content) })),
  secrets: [],
});

/** A rotator over a queue of readings, recording everything it does. */
function harness(initial: WatchState, readings: Reading[], options: { reloadSignal?: NodeJS.Signals; restartResult?: boolean } = {}) {
  const did: string[] = [];
  const lines: string[] = [];
  const rotator = createRotator(initial, {
    read: async () => {
      const next = readings.shift();
      if (next === undefined) throw new Error('no more readings');
      did.push('read');
      return next;
    },
    write: async (files) => did.push(`write ${files.map((f) => f.destination).join(',')}`),
    restart: async (env) => {
      did.push(`restart ${env.A ?? ''}`);
      return options.restartResult ?? true;
    },
    reload: (signal) => did.push(`reload ${signal}`),
    reloadSignal: options.reloadSignal,
    now: () => 0,
    log: createLogger('debug', 'text', (line) => lines.push(line)),
  });
  return { rotator, did, lines };
}

const ok = (s: WatchState): Reading => ({ state: s, problems: [] });

describe('rotation', () => {
  it('does nothing for identical content', async () => {
    const { rotator, did, lines } = harness(state({ A: '1' }), [ok(state({ A: '1' }))]);
    await rotator.run();
    expect(did).toEqual(['read']);
    expect(lines.join('')).toMatch(/content is identical, nothing to do/);
  });

  it('renders then restarts when a variable changed, and logs one info line', async () => {
    const { rotator, did, lines } = harness(state({ A: '1' }, { '/f': 'x' }), [ok(state({ A: '2' }, { '/f': 'x' }))], { reloadSignal: 'SIGHUP' });
    await rotator.run();
    expect(did).toEqual(['read', 'write /f', 'restart 2']);
    expect(lines.filter((line) => !line.includes(': debug: '))).toEqual([expect.stringMatching(/^runsecrets: rotation: A sha256:\w{8}→\w{8}; restarted the command in 0 ms\n$/)]);
  });

  it('renders then signals when only files changed and --reload-signal is set', async () => {
    const { rotator, did } = harness(state({ A: '1' }, { '/f': 'x' }), [ok(state({ A: '1' }, { '/f': 'y' }))], { reloadSignal: 'SIGHUP' });
    await rotator.run();
    expect(did).toEqual(['read', 'write /f', 'reload SIGHUP']);
  });

  it('keeps everything for an invalid state, names the problem, and applies a later valid one', async () => {
    const problem = new RunsecretsError('REQUIRED', 'secret "db" is required (--require) but /s/db is empty; put the value in it');
    const { rotator, did, lines } = harness(state({ A: '1' }), [{ state: state({ A: '' }), problems: [problem] }, ok(state({ A: '3' }))]);
    await rotator.run();
    expect(did).toEqual(['read']);
    expect(lines.join('')).toContain('runsecrets: error: secret "db" is required');
    expect(lines.join('')).toMatch(/rotation not applied \(1 problem\(s\)\)/);
    await rotator.run();
    expect(did).toEqual(['read', 'read', 'write ', 'restart 3']);
  });

  it('compares against the last applied state, not the last read one', async () => {
    const bad: Reading = { state: state({ A: '2' }), problems: [new RunsecretsError('X', 'bad')] };
    const { rotator, did } = harness(state({ A: '1' }), [bad, ok(state({ A: '1' }))]);
    await rotator.run();
    await rotator.run();
    expect(did).toEqual(['read', 'read']);
  });

  it('a rotation that settles during another runs once, right after it', async () => {
    const { rotator, did } = harness(state({ A: '1' }), [ok(state({ A: '2' })), ok(state({ A: '3' })), ok(state({ A: '4' }))]);
    await Promise.all([rotator.run(), rotator.run(), rotator.run()]);
    expect(did).toEqual(['read', 'write ', 'restart 2', 'read', 'write ', 'restart 3']);
  });

  it('a failed write is reported and the child is not restarted', async () => {
    const [did, lines]: [string[], string[]] = [[], []];
    const failing = createRotator(state({ A: '1' }), {
      read: async () => ok(state({ A: '2' })),
      write: async () => {
        throw new RunsecretsError('WRITE', 'cannot write /etc/app.conf: permission denied (EACCES)');
      },
      restart: async () => {
        did.push('restart');
        return true;
      },
      reload: () => {},
      reloadSignal: undefined,
      now: () => 0,
      log: createLogger('info', 'text', (line) => lines.push(line)),
    });
    await failing.run();
    expect(did).toEqual([]);
    expect(lines.join('')).toMatch(/cannot write \/etc\/app.conf[\s\S]*rotation not applied/);
  });

  it('no info line when stopping: the restart started no new child', async () => {
    const { rotator, lines } = harness(state({ A: '1' }), [ok(state({ A: '2' }))], { restartResult: false });
    await rotator.run();
    expect(lines.filter((line) => !line.includes(': debug: '))).toEqual([]);
  });
});
