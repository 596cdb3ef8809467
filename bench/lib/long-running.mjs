// A long-running process whose stdout and stderr lines can be awaited.

import { spawn } from 'node:child_process';

/** Starts `command args` with `env`; returns helpers to await lines and stop it. */
export function startProcess(command, args, env) {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const streams = { out: lineStream(child.stdout), err: lineStream(child.stderr) };
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  return { child, ...streams, exited, stop: async () => (child.kill('SIGTERM'), exited) };
}

/** Lines of a readable stream; `next(match)` resolves with the time (ms) the next matching line arrived. */
function lineStream(stream) {
  let partial = '';
  const waiters = [];
  const all = [];
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    const at = performance.now();
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      all.push(line);
      const i = waiters.findIndex((w) => w.match.test(line));
      if (i >= 0) waiters.splice(i, 1)[0].resolve(at);
    }
  });
  return {
    lines: all,
    next: (match, ceilingMs = 20_000) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no line ${match} within ${ceilingMs} ms; last lines: ${all.slice(-5).join(' | ')}`)), ceilingMs);
      waiters.push({ match, resolve: (at) => (clearTimeout(timer), resolve(at)) });
    }),
  };
}
