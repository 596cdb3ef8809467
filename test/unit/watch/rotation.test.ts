// One rotation with fakes for reading, writing, restarting and signalling: validate
// first, compare by content, then render and reload or restart; never overlap.

import { describe, expect, it } from 'vitest';
import { RunsecretsError } from '../../../src/errors.js';
import { createLogger } from '../../../src/log.js';
import type { WatchState } from '../../../src/watch/diff.js';
import type { RestartResult } from '../../../src/process/supervisor.js';
import { createRotator, type Reading } from '../../../src/watch/rotation.js';

const state = (env: Record<string, string>, files: Record<string, string> = {}): WatchState => ({
  env,
  files: Object.entries(files).map(([destination, content]) => ({ destination, content: Buffer.from(content) })),
  secrets: [],
});

/** A rotator over a queue of readings, recording everything it does. */
function harness(initial: WatchState, readings: Reading[], options: { reloadSignal?: NodeJS.Signals; restartResult?: RestartResult; launchProblem?: RunsecretsError } = {}) {
  const did: string[] = [];
  const lines: string[] = [];
  const rotator = createRotator(initial, {
    read: async () => {
      const next = readings.shift();
      if (next === undefined) throw new Error('no more readings');
      did.push('read');
      return next;
    },
    launch: (env) => {
      if (options.launchProblem !== undefined) throw options.launchProblem;
      return { path: '/bin/app', argv: ['app'], env };
    },
    write: async (files) => did.push(`write ${files.map((f) => f.destination).join(',')}`),
    restart: async (launch) => {
      did.push(`restart ${launch.env.A ?? ''}`);
      return options.restartResult ?? 'started';
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
      launch: (env) => ({ path: '/bin/app', argv: ['app'], env }),
      restart: async () => {
        did.push('restart');
        return 'started';
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
    const { rotator, lines } = harness(state({ A: '1' }), [ok(state({ A: '2' }))], { restartResult: 'ending' });
    await rotator.run();
    expect(lines.filter((line) => !line.includes(': debug: '))).toEqual([]);
  });

  // Issue 11, item 2: a new environment the command cannot be exec'd with stopped the old
  // child, started none, and said the old one was kept.
  it('a command that cannot start with the new environment is a problem: nothing written, nothing stopped', async () => {
    const tooBig = new RunsecretsError('E2BIG', "the command's environment and arguments take 3000000 bytes, over the 2097152 that execve accepts");
    const { rotator, did, lines } = harness(state({ A: '1' }, { '/f': 'x' }), [ok(state({ A: '2' }, { '/f': 'y' }))], { launchProblem: tooBig });
    await rotator.run();
    expect(did).toEqual(['read']);
    expect(lines).toEqual([`runsecrets: error: ${tooBig.message}\n`, expect.stringMatching(/^runsecrets: error: rotation not applied \(1 problem\(s\)\): the running command and the rendered files stay as they are/)]);
  });

  it('a new child that cannot be spawned after the stop is said as it is: stopped, not kept', async () => {
    const { rotator, lines } = harness(state({ A: '1' }), [ok(state({ A: '2' }))], { restartResult: 'failed' });
    await rotator.run();
    expect(lines.join('')).toMatch(/^runsecrets: error: rotation: A sha256:\w{8}→\w{8}; the command was stopped, but the new one could not be started \(above\); runsecrets exits\n$/);
    expect(lines.join('')).not.toMatch(/stay as they are|restarted/);
  });

  it('a resync that finds the same problems again says them at debug; new problems at error', async () => {
    const bad = (message: string): Reading => ({ state: state({ A: '' }), problems: [new RunsecretsError('X', message)] });
    const { rotator, lines } = harness(state({ A: '1' }), [bad('db is empty'), bad('db is empty'), bad('db is gone')]);
    for (let i = 0; i < 3; i += 1) await rotator.run('resync');
    const errors = lines.filter((line) => line.includes(': error: ') && !line.includes('rotation not applied'));
    expect(errors).toEqual(['runsecrets: error: db is empty\n', 'runsecrets: error: db is gone\n']);
    expect(lines.filter((line) => line.includes(': debug: db is empty'))).toHaveLength(1);
  });
});
