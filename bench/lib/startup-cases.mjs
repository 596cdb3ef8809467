// The runsecrets cases of bench/startup.mjs, and the fixtures they read. Every
// runsecrets case reads its secrets, maps them to variables and execs /bin/true.

import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSecretsDir } from './secrets-dir.mjs';
import { createTemplatesDir } from './templates-dir.mjs';

const TRUE = '/bin/true';
const FLOOR = fileURLToPath(new URL('node-floor.cjs', import.meta.url));

/**
 * One environment for every case, the small one a container starts with (Docker's
 * default PATH, HOME), not the caller's: nothing of npm's, no RUNSECRETS_* twins, no
 * NODE_OPTIONS, no compile cache, no NODE_EXTRA_CA_CERTS.
 */
const ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: homedir() };

export const names = {
  base: (major) => `node -e 0 (Node ${major})`,
  bundle: (major, count) => `bundle, ${count} secrets (Node ${major})`,
  floor: (major, count) => `Node floor: node-floor.cjs, ${count} secrets, no checks (Node ${major})`,
};

/** The cases (with `instructions: true` where callgrind counts them), the floor, and the names the goals need. */
export function startupCases({ root, work, nodes, quick, notes, baseline }) {
  const bundle = join(root, 'dist/runsecrets.mjs');
  const dir = (count) => createSecretsDir(count, work);
  const secrets = { 10: dir(10), 100: dir(100) };
  const run = (entry, count, level = 'warn') => [entry, '--log-level', level, '--dir', secrets[count], '--', TRUE];
  const cases = [];
  for (const { major, node } of nodes) {
    const base = names.base(major);
    cases.push({ name: base, command: node, args: ['-e', '0'], env: ENV, instructions: true, isBaseline: true, major, baseline: base });
    for (const count of [10, 100]) cases.push({ name: names.bundle(major, count), command: node, args: run(bundle, count), env: ENV, instructions: true, major, baseline: base });
    // What any Node.js program doing this job pays (node-floor.cjs): the floor under each goal.
    for (const count of [10, 100]) cases.push({ name: names.floor(major, count), command: node, args: [FLOOR, secrets[count], TRUE], env: ENV, instructions: true, major, baseline: base });
  }
  const node24 = nodes.find((n) => n.major === 24);
  const exe = executableCase(root, bundle, run, notes);
  if (exe !== undefined) cases.push(exe);
  if (node24 !== undefined) cases.push(...node24Extras({ node: node24.node, root, work, bundle, run, quick, baseline, notes }));
  return {
    cases,
    floor: { name: '/bin/true (floor)', command: TRUE, args: [], env: ENV },
    env: ENV,
    secrets100: secrets[100],
    names: { ...names, exe: exe?.name },
  };
}

/** The standalone executable, if built from the current bundle (its .bundle-sha256 stamp). */
function executableCase(root, bundle, run, notes) {
  const exe = join(root, 'dist/runsecrets-linux-x64');
  const stamp = `${exe}.bundle-sha256`;
  const current = createHash('sha256').update(readFileSync(bundle)).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === current) {
    return { name: 'standalone executable (Bun), 100 secrets', command: exe, args: run(exe, 100).slice(1), env: ENV, instructions: true };
  }
  notes.push(`dist/runsecrets-linux-x64: ${existsSync(exe) ? 'built from another bundle' : 'not built'}; row skipped (npm run build:exe)`);
  return undefined;
}

/** Node 24 only: the compile cache as an image would have it, the switch to a user, stderr a pipe, the unbundled bin, templates. */
function node24Extras({ node, root, work, bundle, run, quick, baseline, notes }) {
  const base = names.base(24);
  const cache = join(work, 'compile-cache');
  mkdirSync(cache);
  // As Dockerfile.example does at image build: one --version run writes the cache.
  execFileSync(node, [bundle, '--version'], { env: { ...ENV, NODE_COMPILE_CACHE: cache }, stdio: 'ignore' });
  const extras = [
    { name: 'bundle, 100 secrets, NODE_COMPILE_CACHE warmed at build', command: node, args: run(bundle, 100), env: { ...ENV, NODE_COMPILE_CACHE: cache }, instructions: true, baseline: base },
    { name: 'bundle, 100 secrets, --log-level info, stderr a pipe', command: node, args: run(bundle, 100, 'info'), env: ENV, stderrPipe: true, baseline: base },
    { name: 'unbundled lib/bin/runsecrets.js, 100 secrets', command: node, args: run(join(root, 'lib/bin/runsecrets.js'), 100), env: ENV, baseline: base },
  ];
  // What an image's ENTRYPOINT does as root: the same start with the switch to the app's user.
  if (process.getuid?.() === 0) extras.push({ name: 'bundle, 100 secrets, --user nobody (as root)', command: node, args: [bundle, '--log-level', 'warn', '--user', 'nobody', ...run(bundle, 100).slice(3)], env: ENV, instructions: true, baseline: base });
  else notes.push('bundle, 100 secrets, --user nobody: needs root (sudo npm run bench); row skipped');
  if (baseline !== undefined) extras.push({ name: 'BENCH_BASELINE bundle, 100 secrets', command: node, args: run(baseline, 100), env: ENV, instructions: true, baseline: base });
  if (quick) return extras;
  // Templates (BENCHMARKS.md, "Templates"): 100 templates over 1,000 secrets, --explicit so that
  // the rows differ by the templates alone.
  const many = createSecretsDir(1000, work);
  const templates = createTemplatesDir(many, 100, work);
  const explicit = (extra) => [bundle, '--log-level', 'warn', '--explicit', '--dir', many, ...extra, '--', TRUE];
  const render = ['--template', `${templates.dir}:${templates.out}`];
  extras.push(
    { name: 'bundle, 1,000 secrets, no templates', command: node, args: explicit([]), env: ENV, baseline: base },
    { name: 'bundle, 1,000 secrets, 100 templates written', command: node, args: explicit(render), env: ENV, baseline: base, before: () => rmSync(templates.out, { recursive: true, force: true }) },
    { name: 'bundle, 1,000 secrets, 100 templates unchanged', command: node, args: explicit(render), env: ENV, baseline: base },
  );
  return extras;
}
