#!/usr/bin/env node
// The only place that touches process.argv, process.env and the exit status.
import { main } from '../src/main.js';

const status = await main(process.argv.slice(2), process.env, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  caller: { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 },
});
process.exitCode = status;
