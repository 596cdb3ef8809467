// Every code point class through each quoting filter, read back by the real consumers of
// its output (issue 11, item 10): json by JSON.parse, by TOML (smol-toml, a basic string)
// and by YAML 1.1 and 1.2 (the yaml package; PyYAML, pure and libyaml, when python3 has
// it); yaml by the YAML parsers; shell by dash's printf; url by decodeURIComponent.
// json used to leave DEL raw, which TOML rejects, and the C1 controls, which PyYAML
// rejects (NEL it turns into a space).

import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { FilterError, json, shell, url, yaml } from '../../../src/templates/filters.js';
import { tempDir } from '../../helpers/fixtures.js';
import { needs, requires } from '../../helpers/requirements.js';

/** Every Unicode scalar value from `from` to `to`, as one string. */
function range(from: number, to: number): string {
  let text = '';
  for (let code = from; code <= to; code += 1) if (code < 0xd800 || code > 0xdfff) text += String.fromCodePoint(code);
  return text;
}

/** The classes of code points, each as one value. */
const CLASSES: readonly (readonly [name: string, value: string])[] = [
  ['C0 controls (with NUL, tab, LF, CR)', range(0x00, 0x1f)],
  ['printable ASCII', range(0x20, 0x7e)],
  ['DEL', '\x7f'],
  ['C1 controls (with NEL)', range(0x80, 0x9f)],
  ['Latin-1 (with NBSP)', range(0xa0, 0xff)],
  ['BMP letters and symbols', range(0x100, 0x1fff)],
  ['general punctuation (with LINE and PARAGRAPH SEPARATOR)', range(0x2000, 0x206f)],
  ['rest of the BMP before the surrogates', range(0x2070, 0xd7ff)],
  ['private use', range(0xe000, 0xf8ff)],
  ['BMP after private use (with the U+FDD0 noncharacters and the BOM)', range(0xf900, 0xfffd)],
  ['BOM alone', '\ufeff'],
  ['U+FFFE and U+FFFF', '\ufffe\uffff'],
  ['astral planes (the start of plane 1, both ends and the noncharacters of every plane, U+10FFFF)', astral()],
];

/** Plane 1's first 4,096 code points, then each plane's first and last 256 (its noncharacters U+nFFFE/F among them). */
function astral(): string {
  let text = range(0x10000, 0x10fff);
  for (let plane = 1; plane <= 16; plane += 1) text += range(plane * 0x10000, plane * 0x10000 + 0xff) + range(plane * 0x10000 + 0xff00, plane * 0x10000 + 0xffff);
  return text;
}

/** Every Unicode scalar value, as one string (for the fast readers). */
const EVERYTHING = range(0, 0x10ffff);
/** Everything that is no C0 control or NUL, for shell (NUL cannot be in an sh word). */
const WITHOUT_NUL = CLASSES.map(([name, value]) => [name, value.replaceAll('\0', '')] as const);

const yamlReads = (doc: string): unknown[] => (['1.1', '1.2'] as const).map((version) => (parseYaml(doc, { version }) as { k: unknown }).k);

describe('json reads back in JSON, TOML and YAML 1.1 and 1.2', () => {
  it.each(CLASSES)('%s', (_name, value) => {
    const quoted = json(value);
    expect(JSON.parse(quoted)).toBe(value);
    expect(parseToml(`k = ${quoted}`).k).toBe(value);
    expect(yamlReads(`k: ${quoted}\n`)).toEqual([value, value]);
  });

  it('negative control: JSON.stringify alone fails TOML on DEL', () => {
    expect(() => parseToml(`k = ${JSON.stringify('a\x7fb')}`)).toThrow();
    expect(parseToml(`k = ${json('a\x7fb')}`).k).toBe('a\x7fb');
  });

  it('refuses a lone surrogate, which TOML cannot hold and UTF-8 turns into U+FFFD', () => {
    for (const filter of [json, yaml, shell, url]) expect(() => filter('a\ud800b')).toThrow(FilterError);
    expect(() => json({ ['k\udc00']: 1 })).toThrow(FilterError);
  });
});

describe('every scalar value at once', () => {
  it('json reads back in JSON, TOML and YAML; yaml in YAML; url with decodeURIComponent', () => {
    const quoted = json(EVERYTHING);
    expect(JSON.parse(quoted)).toBe(EVERYTHING);
    expect(parseToml(`k = ${quoted}`).k).toBe(EVERYTHING);
    expect(yamlReads(`k: ${quoted}\n`)).toEqual([EVERYTHING, EVERYTHING]);
    expect(yamlReads(`k: ${yaml(EVERYTHING)}\n`)).toEqual([EVERYTHING, EVERYTHING]);
    expect(decodeURIComponent(url(EVERYTHING))).toBe(EVERYTHING);
  }, 120_000);
});

describe('yaml reads back in YAML 1.1 and 1.2', () => {
  it.each(CLASSES)('%s', (_name, value) => {
    expect(yamlReads(`k: ${yaml(value)}\n`)).toEqual([value, value]);
  });
});

describe('shell reads back in dash', requires(needs('dash', 'apt-get install dash')), () => {
  it.each(WITHOUT_NUL)('%s', (_name, value) => {
    const script = join(tempDir(), 'print.sh');
    writeFileSync(script, `printf %s ${shell(value)}\n`);
    expect(execFileSync('dash', [script], { maxBuffer: 1 << 24 })).toEqual(Buffer.from(value));
  });
});

describe('url reads back with decodeURIComponent', () => {
  it.each(CLASSES)('%s', (_name, value) => {
    expect(decodeURIComponent(url(value))).toBe(value);
  });
});

/** PyYAML (YAML 1.1) reads each document's `k`; true where it equals the value; or why it cannot run. */
function pyyaml(): ((docs: readonly { doc: string; value: string }[]) => boolean[][]) | string {
  const probe = spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) return 'python3 with PyYAML (apt-get install python3-yaml, or pip install pyyaml)';
  const program = [
    'import json, sys, yaml',
    'loaders = [yaml.SafeLoader] + ([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])',
    'out = []',
    'for item in json.load(sys.stdin):',
    '    row = []',
    '    for loader in loaders:',
    '        try: row.append(yaml.load(item["doc"], Loader=loader)["k"] == item["value"])',
    '        except Exception: row.append(False)',
    '    out.append(row)',
    'print(json.dumps(out))',
  ].join('\n');
  return (docs) => JSON.parse(execFileSync('python3', ['-c', program], { input: JSON.stringify(docs), encoding: 'utf8', maxBuffer: 1 << 26 })) as boolean[][];
}

const py = pyyaml();

describe('PyYAML reads json and yaml back (a second YAML 1.1 reader)', requires(typeof py === 'string' ? py : undefined), () => {
  it('every class, with the pure Python loader and libyaml', { timeout: 120_000 }, () => {
    const read = py as Exclude<typeof py, string>;
    const docs = CLASSES.flatMap(([name, value]) => [
      { name: `json ${name}`, doc: `k: ${json(value)}\n`, value },
      { name: `yaml ${name}`, doc: `k: ${yaml(value)}\n`, value },
    ]);
    const results = read(docs);
    expect(docs.filter((_doc, i) => results[i]?.includes(false) !== false).map((doc) => doc.name)).toEqual([]);
  });

  it('negative control: JSON.stringify alone fails PyYAML on DEL, C1 controls and U+FFFE, and NEL turns into a space', () => {
    const read = py as Exclude<typeof py, string>;
    const raw = ['\x7f', '\x9b', '\ufffe', 'a\x85b'];
    expect(read(raw.map((value) => ({ doc: `k: ${JSON.stringify(value)}\n`, value })))).toEqual(raw.map(() => [false, false]));
    expect(read(raw.map((value) => ({ doc: `k: ${json(value)}\n`, value })))).toEqual(raw.map(() => [true, true]));
  });
});
