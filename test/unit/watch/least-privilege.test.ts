// The least-privilege decision from permission bits, over a fake file system.

import type { Stats } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decidePrivilege, type FsView } from '../../../src/watch/least-privilege.js';

const app = { uid: 1000, gid: 1000, groups: [50], home: '/home/app', name: 'app' };

/** A fake file system: path → [uid, gid, mode, dir?]; links resolve first. */
function fakeFs(entries: Record<string, readonly [number, number, number, boolean?]>, links: Record<string, string> = {}): FsView {
  return {
    realpath: (path) => links[path] ?? path,
    stat: (path) => {
      const entry = entries[path];
      if (entry === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
      const [uid, gid, mode, dir = false] = entry;
      return { uid, gid, mode, isDirectory: () => dir } as unknown as Stats;
    },
  };
}

const base = { '/': [0, 0, 0o755, true], '/run': [0, 0, 0o755, true], '/etc': [0, 0, 0o755, true] } as const;

describe('decidePrivilege', () => {
  it('drops when the user can read every path and write every destination dir', () => {
    const fs = fakeFs({ ...base, '/run/s': [0, 0, 0o755, true], '/run/s/db': [0, 0, 0o644], '/etc/app': [1000, 1000, 0o700, true] });
    expect(decidePrivilege(app, { read: ['/run/s', '/run/s/db'], write: ['/etc/app/app.conf'] }, fs)).toEqual({ drop: true });
  });

  it('counts the group class, supplementary groups included', () => {
    const fs = fakeFs({ ...base, '/run/s': [0, 50, 0o750, true], '/run/s/db': [0, 50, 0o640] });
    expect(decidePrivilege(app, { read: ['/run/s', '/run/s/db'], write: [] }, fs)).toEqual({ drop: true });
  });

  it('stays root for a secret only root can read, naming it with owner and mode', () => {
    const fs = fakeFs({ ...base, '/run/s': [0, 0, 0o755, true], '/run/s/db': [0, 0, 0o400] });
    expect(decidePrivilege(app, { read: ['/run/s', '/run/s/db'], write: [] }, fs)).toEqual({ drop: false, reason: 'user app (1000) cannot read /run/s/db (owner 0:0, mode 0400)' });
  });

  it('stays root when a directory on the way cannot be searched', () => {
    const fs = fakeFs({ ...base, '/run/s': [0, 0, 0o700, true], '/run/s/db': [0, 0, 0o644] });
    const decision = decidePrivilege(app, { read: ['/run/s/db'], write: [] }, fs);
    expect(decision).toEqual({ drop: false, reason: 'user app (1000) cannot search /run/s (owner 0:0, mode 0700) on the way to /run/s/db' });
  });

  it('the owner class decides alone: an owner without read is denied even if others may read', () => {
    const fs = fakeFs({ ...base, '/run/s': [0, 0, 0o755, true], '/run/s/db': [1000, 0, 0o044] });
    expect(decidePrivilege(app, { read: ['/run/s/db'], write: [] }, fs).drop).toBe(false);
  });

  it('follows a Kubernetes key through ..data to the file that is read', () => {
    const fs = fakeFs({ ...base, '/run/s': [0, 0, 0o1777, true], '/run/s/..2026': [0, 0, 0o755, true], '/run/s/..2026/db': [0, 0, 0o600] }, { '/run/s/db': '/run/s/..2026/db' });
    expect(decidePrivilege(app, { read: ['/run/s/db'], write: [] }, fs)).toEqual({ drop: false, reason: 'user app (1000) cannot read /run/s/db (owner 0:0, mode 0600)' });
  });

  it('stays root when a template destination dir is not writable', () => {
    const fs = fakeFs({ ...base, '/etc/nginx': [0, 0, 0o755, true] });
    expect(decidePrivilege(app, { read: [], write: ['/etc/nginx/site.conf'] }, fs)).toEqual({
      drop: false,
      reason: 'user app (1000) cannot write into /etc/nginx (owner 0:0, mode 0755), where template /etc/nginx/site.conf is written',
    });
  });

  it('always drops to uid 0 (groups and gid still change)', () => {
    const fs = fakeFs({ ...base, '/run/s/db': [5, 5, 0o000] });
    expect(decidePrivilege({ ...app, uid: 0 }, { read: ['/run/s/db'], write: [] }, fs)).toEqual({ drop: true });
  });
});
