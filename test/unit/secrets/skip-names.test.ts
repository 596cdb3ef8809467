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
});
