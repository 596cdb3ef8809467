// A temporary secrets dir shaped like a real one: 100 small files with the kinds of
// values containers get (passwords, API tokens, DSNs, ids), each ending in "\n" as
// `docker secret create` and `kubectl create secret --from-file` usually leave them.

import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const KINDS = [
  ['db_password', () => randomBytes(18).toString('base64url')],
  ['api-token', () => randomBytes(20).toString('hex')],
  ['database_url', () => `postgres://app:${randomBytes(12).toString('base64url')}@db.internal:5432/app?sslmode=require`],
  ['client_id', () => crypto.randomUUID()],
  ['jwt.secret', () => randomBytes(48).toString('base64')],
];

/**
 * Creates a dir with `count` secrets. Inside `parent`, returns its path (removed with
 * the parent); without one, in the temp dir, returns `{ dir, remove }`.
 */
export function createSecretsDir(count = 100, parent = undefined) {
  const dir = parent === undefined ? mkdtempSync(join(tmpdir(), 'runsecrets-bench-')) : join(parent, `secrets-${count}`);
  if (parent !== undefined) mkdirSync(dir, { mode: 0o755 });
  for (let i = 0; i < count; i += 1) {
    const [name, value] = KINDS[i % KINDS.length];
    writeFileSync(join(dir, `${name}_${i}`), `${value()}\n`, { mode: 0o600 });
  }
  return parent === undefined ? { dir, remove: () => rmSync(dir, { recursive: true, force: true }) } : dir;
}
