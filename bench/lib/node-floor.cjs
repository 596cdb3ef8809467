// The least a Node.js entrypoint can do for runsecrets' job, as a floor row of
// bench/startup.mjs: `node node-floor.cjs DIR COMMAND` lists DIR, reads every file into
// a variable named as runsecrets names it (upper case, `-` and `.` to `_`, one trailing
// newline dropped) and replaces itself with COMMAND through process.execve.
//
// It checks nothing and guards nothing (no symlink, size, type or name checks, no
// collisions, no proof that COMMAND runs: a failed execve aborts Node.js), so no
// product could ship it; it is here to show what any Node.js program doing this job
// pays over `node -e 0`. CommonJS, because an ES module's `import … from 'node:fs'`
// alone costs more than all the reading below at 100 secrets (BENCHMARKS.md, "The Node
// floor").
'use strict';
const { readdirSync, readFileSync } = require('node:fs');

const [dir, command] = process.argv.slice(2);
const env = { ...process.env };
const names = readdirSync(dir);
for (let i = 0; i < names.length; i += 1) {
  const value = readFileSync(`${dir}/${names[i]}`, 'utf8');
  env[names[i].toUpperCase().replace(/[-.]/g, '_')] = value.endsWith('\n') ? value.slice(0, -1) : value;
}
process.execve(command, [command], env);
