// --template SRC:DEST → files: a file maps to DEST, a dir of *.tmpl maps into DEST with
// sub-paths kept and `.tmpl` dropped; problems for what cannot work.

import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Problems } from '../../../src/errors.js';
import { discoverTemplates } from '../../../src/templates/discover.js';
import { tempDir, writeFiles } from '../../helpers/fixtures.js';

function discover(templates: { source: string; destination: string }[]) {
  const problems = new Problems();
  const files = discoverTemplates(templates, problems);
  return { files, problems: problems.list.map((p) => p.message) };
}

describe('discoverTemplates', () => {
  it('maps a file SRC to DEST', () => {
    const dir = writeFiles(tempDir(), { 'app.conf.in': 'x' });
    const { files, problems } = discover([{ source: join(dir, 'app.conf.in'), destination: '/etc/app/app.conf' }]);
    expect(problems).toEqual([]);
    expect(files).toEqual([{ source: join(dir, 'app.conf.in'), destination: '/etc/app/app.conf' }]);
  });

  it('maps a dir of *.tmpl into DEST, keeping sub-paths, dropping .tmpl, skipping other files and dot-names', () => {
    const dir = writeFiles(tempDir(), {
      'nginx.conf.tmpl': '', 'conf.d/default.conf.tmpl': '', 'conf.d/deep/x.tmpl': '', 'README.md': '', 'conf.d/notes.txt': '',
      '.hidden.tmpl': '', '..2026_11_28/kube.conf.tmpl': '', '.tmpl': '',
    });
    symlinkSync(join('conf.d', 'default.conf.tmpl'), join(dir, 'linked.conf.tmpl'));
    const { files, problems } = discover([{ source: dir, destination: '/etc/nginx' }]);
    expect(problems).toEqual([]);
    expect(files.map((f) => [f.source.slice(dir.length + 1), f.destination])).toEqual([
      ['conf.d/deep/x.tmpl', '/etc/nginx/conf.d/deep/x'],
      ['conf.d/default.conf.tmpl', '/etc/nginx/conf.d/default.conf'],
      ['linked.conf.tmpl', '/etc/nginx/linked.conf'],
      ['nginx.conf.tmpl', '/etc/nginx/nginx.conf'],
    ]);
  });

  it('resolves relative paths against the working directory', () => {
    const { files } = discover([{ source: 'package.json', destination: 'out/x' }]);
    expect(files[0]?.destination).toMatch(/^\/.*\/out\/x$/);
  });

  it('records a problem for a missing SRC, an empty templates dir, a dir DEST for a file SRC and two templates on one DEST', () => {
    const dir = writeFiles(tempDir(), { 'a.tmpl': '', 'b.tmpl': '' });
    const empty = tempDir();
    const destDir = tempDir();
    mkdirSync(join(empty, 'sub'));
    const { files, problems } = discover([
      { source: '/nonexistent/app.tmpl', destination: '/tmp/x' },
      { source: empty, destination: '/tmp/y' },
      { source: join(dir, 'a.tmpl'), destination: destDir },
      { source: join(dir, 'a.tmpl'), destination: join(destDir, 'same') },
      { source: join(dir, 'b.tmpl'), destination: join(destDir, 'same') },
    ]);
    expect(problems).toEqual([
      '--template /nonexistent/app.tmpl:/tmp/x: cannot read /nonexistent/app.tmpl: no such file or directory (ENOENT)',
      `--template ${empty}:/tmp/y: no *.tmpl file below the directory ${empty}; name templates like app.conf.tmpl`,
      expect.stringMatching(new RegExp(`^--template ${dir}/a.tmpl:${destDir}: ${destDir} is a directory; DEST names the file to write`)),
      `templates ${dir}/a.tmpl and ${dir}/b.tmpl both render to ${destDir}/same; give each its own DEST`,
    ]);
    expect(files).toHaveLength(2);
  });
});
