// Which directories are watched and which paths below them matter.

import { describe, expect, it } from 'vitest';
import { isIgnored, watchRoots, withParents } from '../../../src/watch/watch-paths.js';

/** realpath for the tests: /run/secrets/vol/..data/key resolves through a Kubernetes timestamp dir; others are real. */
const realpath = (path: string): string => {
  const links: Record<string, string> = {
    '/k8s/db_password': '/k8s/..2026_11_28/db_password',
    '/etc/app/linked.env': '/opt/shared/real.env',
  };
  return links[path] ?? path;
};

describe('watchRoots', () => {
  it('watches a secret dir whole, a template dir recursively and a file through its dir', () => {
    const roots = watchRoots({ dirs: ['/run/secrets'], files: ['/etc/app/dev.env'], trees: ['/templates'] }, realpath);
    expect(roots).toEqual([
      { dir: '/run/secrets', names: undefined, recursive: false },
      { dir: '/templates', names: undefined, recursive: true },
      { dir: '/etc/app', names: new Set(['dev.env']), recursive: false },
    ]);
  });

  it('merges a file inside a watched dir into that dir, and names in one dir into one root', () => {
    const roots = watchRoots({ dirs: ['/run/secrets'], files: ['/run/secrets/db', '/etc/a.env', '/etc/b.env'], trees: [] }, realpath);
    expect(roots).toEqual([
      { dir: '/run/secrets', names: undefined, recursive: false },
      { dir: '/etc', names: new Set(['a.env', 'b.env']), recursive: false },
    ]);
  });

  it('also watches the target of a symlinked file elsewhere, but not a Kubernetes ..timestamp target', () => {
    const roots = watchRoots({ dirs: [], files: ['/etc/app/linked.env', '/k8s/db_password'], trees: [] }, realpath);
    expect(roots.map((root) => [root.dir, [...(root.names ?? [])]])).toEqual([
      ['/etc/app', ['linked.env']],
      ['/opt/shared', ['real.env']],
      ['/k8s', ['db_password']],
    ]);
  });
});

describe('isIgnored', () => {
  const roots = watchRoots({ dirs: ['/run/secrets'], files: ['/etc/dev.env'], trees: ['/templates'] }, realpath);

  it.each([
    ['/run/secrets', false],
    ['/run/secrets/db_password', false],
    ['/run/secrets/..data', true],
    ['/run/secrets/..2026_11_28_10_00_00.000000001', true],
    ['/run/secrets/..2026_11_28_10_00_00.000000001/db_password', true],
    ['/run/secrets/sub/deeper', true],
    ['/templates/nginx/site.conf.tmpl', false],
    ['/templates/..data/x.tmpl', true],
    ['/etc', false],
    ['/etc/dev.env', false],
    ['/etc/passwd', true],
    ['/etc/ssl/certs', true],
    ['/elsewhere/file', true],
  ])('%s → ignored: %s', (path, ignored) => {
    expect(isIgnored(path, roots)).toBe(ignored);
  });
});

describe('withParents', () => {
  it('adds the parent of each dir watched whole, for that name only, so that its re-creation shows', () => {
    const roots = withParents(watchRoots({ dirs: ['/run/secrets/db', '/run/secrets/api'], files: ['/etc/app/dev.env'], trees: ['/srv/templates'] }, realpath));
    expect(roots.map((root) => [root.dir, root.names === undefined ? 'all' : [...root.names].sort().join(',')])).toEqual([
      ['/run/secrets/db', 'all'],
      ['/run/secrets/api', 'all'],
      ['/srv/templates', 'all'],
      ['/etc/app', 'dev.env'],
      ['/run/secrets', 'api,db'],
      ['/srv', 'templates'],
    ]);
    expect(isIgnored('/run/secrets/db', roots)).toBe(false);
    expect(isIgnored('/run/secrets/other', roots)).toBe(true);
    expect(isIgnored('/srv/other', roots)).toBe(true);
  });

  it('adds nothing for a file\'s dir, for /, or for a parent already watched whole', () => {
    expect(withParents(watchRoots({ dirs: ['/'], files: ['/etc/app/dev.env'], trees: [] }, realpath)).map((root) => root.dir)).toEqual(['/', '/etc/app']);
    expect(withParents(watchRoots({ dirs: ['/run/secrets', '/run/secrets/sub'], files: [], trees: [] }, realpath)).map((root) => root.dir)).toEqual(['/run/secrets', '/run/secrets/sub', '/run']);
  });
});
