// A Kubernetes Secret volume as kubelet lays it out and updates it: the data in
// `..<timestamp>/`, `..data` pointing at it, `key -> ..data/key`; an update writes a new
// timestamp dir and renames a `..data_tmp` symlink over `..data`.

import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Creates the volume with `files` (name → content); returns the dir, an update function and a remover. */
export function createKubernetesDir(files, mode = 0o644) {
  const dir = mkdtempSync(join(tmpdir(), 'runsecrets-bench-k8s-'));
  chmodSync(dir, 0o755); // mkdtemp makes 0700: only root could read the volume
  let swaps = 0;
  const update = (next) => {
    swaps += 1;
    const stamp = `..2026_11_28_10_00_00.${String(swaps).padStart(9, '0')}`;
    mkdirSync(join(dir, stamp), { mode: 0o755 });
    for (const [name, content] of Object.entries(next)) writeFileSync(join(dir, stamp, name), content, { mode });
    symlinkSync(stamp, join(dir, '..data_tmp'));
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
    for (const name of Object.keys(next)) if (!existsSync(join(dir, name))) symlinkSync(join('..data', name), join(dir, name));
    for (const name of readdirSync(dir)) if (name.startsWith('..2026') && name !== stamp) rmSync(join(dir, name), { recursive: true });
  };
  update(files);
  return { dir, update, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
