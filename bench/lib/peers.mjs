// The entrypoints runsecrets replaces, as peers in the start-up table: gosu alone, and
// the two shell scripts images commonly use to turn secret files into variables before
// `exec gosu` (the docker-library `file_env` pattern).

import { accessSync, constants, chmodSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * POSIX sh: one `$(cat file)` per secret, a fork and an exec of cat each. bash: `$(< file)`,
 * read by bash itself. Both name the variable as runsecrets would (upper case, - and .
 * to _), export it and exec the command; `exec` in front of gosu when there is one.
 */
const SCRIPTS = {
  sh: (exec) => `#!/bin/sh
set -eu
for file in "$1"/*; do
  name=$(basename "$file" | tr 'a-z.-' 'A-Z__')
  value=$(cat "$file")
  export "$name=$value"
done
exec ${exec}
`,
  bash: (exec) => `#!/bin/bash
set -eu
for file in "$1"/*; do
  name=\${file##*/}; name=\${name^^}; name=\${name//[.-]/_}
  export "$name=$(< "$file")"
done
exec ${exec}
`,
};

/** Peer cases over the secrets in `dir`: gosu (root only) and the two scripts; notes when skipped. */
export function peerCases({ work, dir, trueBin, env, notes }) {
  const gosu = findOnPath('gosu');
  const canSwitch = gosu !== undefined && process.getuid?.() === 0;
  if (gosu === undefined) notes.push('gosu: not installed (apt-get install -y gosu); its row skipped, the scripts exec /bin/true directly');
  else if (!canSwitch) notes.push('gosu: switching users needs root; its row skipped, the scripts exec /bin/true directly');
  const exec = canSwitch ? `${gosu} nobody ${trueBin}` : trueBin;
  const cases = canSwitch ? [{ name: 'gosu nobody /bin/true', command: gosu, args: ['nobody', trueBin], env }] : [];
  for (const [shell, script] of Object.entries(SCRIPTS)) {
    const interpreter = findOnPath(shell);
    if (interpreter === undefined) {
      notes.push(`${shell}: not found; its row skipped`);
      continue;
    }
    const file = join(work, `entrypoint.${shell}`);
    writeFileSync(file, script(exec));
    chmodSync(file, 0o755);
    const form = shell === 'sh' ? '$(cat file)' : '$(< file)';
    cases.push({ name: `${shell} entrypoint, ${form} per secret, exec ${canSwitch ? 'gosu' : '/bin/true'}`, command: interpreter, args: [file, dir], env });
  }
  return cases;
}

export function findOnPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {}
  }
  return undefined;
}
