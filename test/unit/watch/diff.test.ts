// Comparing two states by content, choosing reload or restart, and describing it with
// fingerprints only.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chooseAction, describeChanges, diffStates, type WatchState } from '../../../src/watch/diff.js';

const state = (env: Record<string, string>, files: Record<string, string> = {}, secrets: Record<string, string> = {}): WatchState => ({
  env,
  files: Object.entries(files).map(([destination, content]) => ({ destination, content: Buffer.from(content) })),
  secrets: Object.entries(secrets).map(([name, value]) => ({ name, value: Buffer.from(value) })),
});
const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 8);

describe('diffStates', () => {
  it('finds nothing when every byte is the same (fresh Buffers, same content)', () => {
    const diff = diffStates(state({ A: '1', PATH: '/bin' }, { '/etc/a': 'x' }), state({ PATH: '/bin', A: '1' }, { '/etc/a': 'x' }));
    expect(diff).toEqual({ secrets: [], variables: [], files: [] });
    expect(chooseAction(diff, 'SIGHUP')).toBe('none');
  });

  it('finds changed, added and removed variables, sorted by name', () => {
    const diff = diffStates(state({ B: '1', A: '1', GONE: 'x' }), state({ A: '2', B: '1', NEW: 'n' }));
    expect(diff.variables).toEqual([
      { name: 'A', before: '1', after: '2' },
      { name: 'GONE', before: 'x', after: undefined },
      { name: 'NEW', before: undefined, after: 'n' },
    ]);
    expect(diff.files).toEqual([]);
  });

  it('finds changed rendered files by their bytes', () => {
    const diff = diffStates(state({}, { '/etc/a': 'x', '/etc/b': 'y' }), state({}, { '/etc/a': 'x', '/etc/b': 'z' }));
    expect(diff.files.map((change) => change.name)).toEqual(['/etc/b']);
  });
});

describe('chooseAction', () => {
  const envChanged = diffStates(state({ A: '1' }, { '/f': 'x' }), state({ A: '2' }, { '/f': 'y' }));
  const filesOnly = diffStates(state({ A: '1' }, { '/f': 'x' }), state({ A: '1' }, { '/f': 'y' }));

  it('restarts when a variable changed, even with a reload signal', () => {
    expect(chooseAction(envChanged, 'SIGHUP')).toBe('restart');
  });
  it('reloads when only files changed and there is a reload signal', () => {
    expect(chooseAction(filesOnly, 'SIGHUP')).toBe('reload');
  });
  it('negative control: restarts when only files changed but there is no reload signal', () => {
    expect(chooseAction(filesOnly, undefined)).toBe('restart');
  });
});

describe('describeChanges', () => {
  it('names variables and files with short fingerprints, never the values', () => {
    const values = { old: 'hunter2-old-value', new: 'hunter2-new-value', added: 'an-added-value' };
    const diff = diffStates(state({ DB: values.old, GONE: 'bye-value' }, { '/etc/app.conf': 'conf-one' }), state({ DB: values.new, ADDED: values.added }, { '/etc/app.conf': 'conf-two' }));
    const line = describeChanges(diff);
    expect(line).toBe(`ADDED added sha256:${sha(values.added)}, DB sha256:${sha(values.old)}→${sha(values.new)}, GONE removed, /etc/app.conf sha256:${sha('conf-one')}→${sha('conf-two')}`);
    for (const value of [...Object.values(values), 'bye-value', 'conf-one', 'conf-two']) expect(line).not.toContain(value);
  });

  it('names the template-only secrets that changed, which alone choose no action', () => {
    const before = state({ A: '1' }, { '/etc/db.json': 'one' }, { db_password: 'first-secret-value', db_user: 'shop' });
    const after = state({ A: '1' }, { '/etc/db.json': 'two' }, { db_password: 'second-secret-value', db_user: 'shop' });
    const line = describeChanges(diffStates(before, after));
    expect(line).toBe(`secret db_password sha256:${sha('first-secret-value')}→${sha('second-secret-value')}, /etc/db.json sha256:${sha('one')}→${sha('two')}`);
    expect(line).not.toMatch(/first-secret-value|second-secret-value/);
    const unused = diffStates(before, state({ A: '1' }, { '/etc/db.json': 'one' }, { db_password: 'second-secret-value', db_user: 'shop' }));
    expect(unused.secrets.map((change) => change.name)).toEqual(['db_password']);
    expect(chooseAction(unused, 'SIGHUP')).toBe('none');
  });
});
