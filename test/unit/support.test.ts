// The Node.js versions runsecrets supports are the ones CI tests: package.json's engines,
// the majors .ci/run runs the suite on (npm test on the `node` dev dependency, then each
// major of its loop), and the README's quick start all name the same ones.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; devDependencies: Record<string, string> };
const majors = (text: string): number[] => [...text.matchAll(/\d+/g)].map((m) => Number(m[0])).sort((a, b) => a - b);

describe('supported Node.js versions', () => {
  const engines = pkg.engines.node.split('||').map((range) => Number(/^\s*\^(\d+)\./.exec(range)?.[1]));

  it('engines names each supported major once, as ^MAJOR.x', () => {
    expect(engines).toEqual([22, 24, 26]);
  });

  it('are the majors .ci/run tests on', () => {
    const loop = /^for major in ([\d ]+); do$/m.exec(readFileSync(join(ROOT, '.ci/run'), 'utf8'))?.[1] ?? '';
    const npmTest = Number(/\d+/.exec(pkg.devDependencies.node ?? '')?.[0]);
    expect([...majors(loop), npmTest].sort((a, b) => a - b)).toEqual(engines);
  });

  it('are the ones the README promises', () => {
    const line = /^From a fresh clone \(Node\.js ([\d, or]+) with npm/m.exec(readFileSync(join(ROOT, 'README.md'), 'utf8'))?.[1] ?? '';
    expect(majors(line)).toEqual(engines);
  });
});
