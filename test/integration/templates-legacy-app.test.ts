// examples/legacy-app: exactly the invocation its README shows (run.sh), run here. The
// app reads its settings only from the rendered config file, never from the environment.

import { execa } from 'execa';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseEnv, cliCommand, ROOT, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';

const EXAMPLE = join(ROOT, 'examples/legacy-app');

describe('examples/legacy-app', () => {
  it('run.sh renders app.conf, then the app reads every setting from it and none from its environment', async () => {
    const configDir = join(tempDir(), 'legacy-app');
    const env = baseEnv({ RUNSECRETS: cliCommand().join(' ') });
    const result = await execa('sh', [join(EXAMPLE, 'run.sh'), configDir], { env, extendEnv: false, reject: false, stdin: 'ignore' });
    const password = readFileSync(join(EXAMPLE, 'secrets/db_password'), 'utf8').replace(/\n+$/, '');
    expect(result.exitCode).toBe(0);
    expect(String(result.stdout).split('\n')).toEqual([
      `legacy app: uid ${process.getuid?.()}, settings from ${configDir}/app.conf`,
      `legacy app: db_host=localhost db_user=legacy, db_password ${password.length} chars, api_key 24 chars`,
      'legacy app: no secret in the environment',
    ]);
    expect(statSync(configDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(configDir, 'app.conf')).mode & 0o777).toBe(0o600);
    // The hostile characters in the fake password survive the round trip through `| shell` and sh.
    const sourced = await execa('sh', ['-c', '. "$0"; printf %s "$db_password"', join(configDir, 'app.conf')], { env: baseEnv(), extendEnv: false });
    expect(sourced.stdout).toBe(password);
    expect(String(result.stderr)).not.toContain(password);
  });

  it('negative control: without --explicit the secrets are in the environment too, and the app says so', async () => {
    const configDir = join(tempDir(), 'legacy-app');
    const result = await runCli(['--dir', join(EXAMPLE, 'secrets'), '--template', `${EXAMPLE}/app.conf.tmpl:${configDir}/app.conf`, '--', 'sh', join(EXAMPLE, 'app.sh'), `${configDir}/app.conf`]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('legacy app: db_password is in the environment too');
  });
});
