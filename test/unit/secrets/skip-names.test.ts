// Editor and tool leftovers in a secrets dir are not secrets; every other name may be.
import { describe, expect, it } from 'vitest';
import { leftoverKind } from '../../../src/secrets/skip-names.js';

describe('leftoverKind', () => {
  it.each([
    ['db_password~', 'an editor backup (name~)'],
    ['#db_password#', 'an editor auto-save (#name#)'],
    ['db_password.swp', 'a Vim swap file (.swp)'],
    ['db_password.swo', 'a Vim swap file (.swp)'],
    ['db_password.orig', 'a patch or merge leftover (.orig, .rej)'],
    ['db_password.rej', 'a patch or merge leftover (.orig, .rej)'],
    ['db_password.bak', 'a backup or temp copy (.bak, .tmp)'],
    ['db_password.BAK', 'a backup or temp copy (.bak, .tmp)'],
    ['db_password.tmp', 'a backup or temp copy (.bak, .tmp)'],
    ['app.conf.dpkg-old', 'a package manager copy (.dpkg-*, .ucf-*)'],
    ['app.conf.dpkg-dist', 'a package manager copy (.dpkg-*, .ucf-*)'],
    ['app.conf.ucf-new', 'a package manager copy (.dpkg-*, .ucf-*)'],
    ['app.conf.rpmnew', 'a package manager copy (.rpmnew, .pacnew, …)'],
    ['app.conf.pacsave', 'a package manager copy (.rpmnew, .pacnew, …)'],
  ])('%s is %s', (name, kind) => {
    expect(leftoverKind(name)).toBe(kind);
  });

  it.each(['db_password', 'api-key', 'smtp.env', 'tls.key', 'tls.crt', 'swap', 'backup', 'db#1', 'a~b', 'x.swz', 'notes.tmpl', 'bak', 'orig.key'])('negative control: %s may be a secret', (name) => {
    expect(leftoverKind(name)).toBeUndefined();
  });

  it.each(['DB_PASSWORD.SWP', 'x.Orig', 'app.conf.DPKG-Old', 'app.conf.RpmNew'])('%s: letters in either case', (name) => {
    expect(leftoverKind(name)).toBeDefined();
  });

  it.each(['x.ba\u212a', 'x.dpkg-\u212a', '#a\nb#', 'x.dpkg-', 'x.dpkg-ol1', 'x.swq', 'x.sw', '#', '~x', 'x.bak.key'])('negative control: %j is not a leftover', (name) => {
    expect(leftoverKind(name)).toBeUndefined();
  });

  // The patterns the set was first written as, with a case-insensitive regular expression
  // each: the string tests must say the same of every name.
  const PATTERNS: readonly (readonly [RegExp, string])[] = [
    [/~$/, 'an editor backup (name~)'],
    [/^#.*#$/, 'an editor auto-save (#name#)'],
    [/\.sw[a-p]$/i, 'a Vim swap file (.swp)'],
    [/\.(?:orig|rej)$/i, 'a patch or merge leftover (.orig, .rej)'],
    [/\.(?:bak|tmp)$/i, 'a backup or temp copy (.bak, .tmp)'],
    [/\.(?:dpkg|ucf)-[a-z]+$/i, 'a package manager copy (.dpkg-*, .ucf-*)'],
    [/\.(?:rpm(?:new|save|orig)|pac(?:new|save))$/i, 'a package manager copy (.rpmnew, .pacnew, …)'],
  ];
  it('agrees with those patterns on 20,000 names built from their pieces', () => {
    const pieces = ['db', '.', '#', '~', 'k', '-', 'X', '1', '\n', '\u212a', '\u0130', ''];
    const tails = ['sw', 'p', 'a', 'q', 'SW', 'P', 'orig', 'REJ', 'bak', 'Tmp', 'dpkg-', 'ucf', '-', 'old', 'rpm', 'new', 'save', 'pac', 'ORIG', '#', '~', '\u212a', ''];
    let seed = 13;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return (seed >>> 16) % n;
    };
    let leftovers = 0;
    for (let i = 0; i < 20_000; i += 1) {
      let name = random(4) === 0 ? '#' : '';
      for (let k = random(4); k > 0; k -= 1) name += pieces[random(pieces.length)];
      if (random(4) !== 0) name += '.';
      for (let k = 1 + random(2); k > 0; k -= 1) name += tails[random(tails.length)];
      const expected = PATTERNS.find(([pattern]) => pattern.test(name))?.[1];
      if (expected !== undefined) leftovers += 1;
      expect(leftoverKind(name), JSON.stringify(name)).toBe(expected);
    }
    expect(leftovers).toBeGreaterThan(1_000);
  });
});
