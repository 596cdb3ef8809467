// The Node.js versions the start-up rows run on: 24 is the `node` dev dependency; the
// others are the npm package `node@MAJOR` installed once into the bench cache, as
// .ci/run does for 22 (BENCH_NODES=24 for the dev dependency alone).

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE } from './measure.mjs';

/** `[{ major, node, version }]` for each major in `majors` that could be had; notes for the others. */
export function findNodes(majors, root, notes) {
  const found = [];
  for (const major of majors) {
    const node = major === 24 ? join(root, 'node_modules/.bin/node') : install(major, notes);
    if (node === undefined) continue;
    const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout?.trim();
    if (version?.startsWith(`v${major}.`)) found.push({ major, node, version });
    else notes.push(`Node.js ${major}: ${node} is ${version ?? 'not runnable'}; row skipped`);
  }
  return found;
}

function install(major, notes) {
  const prefix = join(CACHE, `node${major}`);
  const node = join(prefix, 'node_modules/.bin/node');
  if (existsSync(node)) return node;
  try {
    console.error(`installing node@${major} into ${prefix} (once) …`);
    // Allows the node package's install script, which npm 12 runs only for allowScripts names.
    mkdirSync(prefix, { recursive: true });
    writeFileSync(join(prefix, 'package.json'), '{ "private": true, "allowScripts": { "node": true } }\n');
    execFileSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `node@${major}`], { stdio: ['ignore', 'ignore', 'inherit'] });
    return node;
  } catch (error) {
    notes.push(`Node.js ${major}: npm install node@${major} failed (${error.message.split('\n')[0]}); row skipped`);
    return undefined;
  }
}
