// Each filter against hostile values, checked by the real consumer of its output:
// JSON.parse, a YAML parser (YAML 1.2 and 1.1), sh, decodeURIComponent, base64 decoding.

import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { base64, base64Decode, BinarySecret, FilterError, json, shell, url, yaml } from '../../../src/templates/filters.js';

/** Values that break naive quoting: quotes, $, backslashes, newlines, #, :, unicode, YAML and sh syntax. */
const HOSTILE: readonly string[] = [
  '',
  'plain',
  `it's "quoted" both ways`,
  "'",
  '"',
  "''\"\"'\"",
  '$HOME $(touch /tmp/runsecrets-pwned) `id` ${PATH}',
  'back\\slash \\n \\\\ \\"',
  'line1\nline2\r\nline3\r',
  '\ttab\vvt\fff\bbs\x07bel\x1besc',
  '# not a comment',
  'key: value',
  'a: b # c',
  ' leading and trailing spaces ',
  '- item',
  '? key',
  '&anchor *alias !tag %directive @at `tick` |pipe >fold',
  '---',
  '...',
  'null',
  'true',
  '~',
  '0x1F',
  '1e3',
  '{ "json": [1, 2] }',
  '{{ secrets.x }} {% raw %}',
  'ünïcödé 日本語 🔐 emoji',
  'nel\x85 ls\u2028 ps\u2029 nbsp\xa0 bom\ufeff del\x7f c1\x9b ctrl\x01\x02',
  '%41 %zz %',
  'a&b=c?d/e#f+g h',
  "!*'();:@&=+$,/?#[]",
];

describe('negative control', () => {
  it('the hostile values do break naive quoting, so the tests below can fail', () => {
    const naiveYaml = (v: string) => `"${v}"`;
    const naiveShell = (v: string) => `'${v}'`; // no value here runs a command when quoted so
    expect(HOSTILE.filter((v) => { try { return parseYaml(`k: ${naiveYaml(v)}`).k !== v; } catch { return true; } }).length).toBeGreaterThan(5);
    const viaSh = (word: string) => { try { return execFileSync('sh', ['-c', `printf '%s' ${word}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }); } catch { return undefined; } };
    expect(HOSTILE.filter((v) => viaSh(naiveShell(v)) !== v).length).toBeGreaterThan(3);
    expect(HOSTILE.filter((v) => { try { return decodeURIComponent(encodeURI(v)) !== v || /[#?&=]/.test(encodeURI(v)); } catch { return true; } }).length).toBeGreaterThan(2);
  });
});

describe('json', () => {
  it.each(HOSTILE)('%j reads back with JSON.parse', (value) => {
    expect(JSON.parse(json(value))).toBe(value);
    expect(JSON.parse(`{"k": ${json(value)}}`)).toEqual({ k: value });
  });

  it('renders other values as their JSON', () => {
    expect(json(3)).toBe('3');
    expect(json(['a', 'b'])).toBe('["a","b"]');
    expect(json(undefined)).toBe('null');
    expect(json({ a: 1 }, 2)).toBe('{\n  "a": 1\n}');
  });
});

describe('yaml', () => {
  it.each(HOSTILE)('%j reads back with a YAML parser, as a value and inside a mapping and a list', (value) => {
    const scalar = yaml(value);
    expect(scalar).not.toMatch(/[\n\r]/);
    for (const version of ['1.2', '1.1'] as const) {
      expect(parseYaml(`key: ${scalar}\nnext: 1\n`, { version })).toEqual({ key: value, next: 1 });
      expect(parseYaml(`- ${scalar}\n- ${scalar} # comment\n`, { version })).toEqual([value, value]);
      expect(parseYaml(`outer:\n  inner: ${scalar}\n`, { version })).toEqual({ outer: { inner: value } });
    }
  });

  it('always quotes, so that YAML keywords stay strings', () => {
    expect(yaml('true')).toBe('"true"');
    expect(parseYaml(`k: ${yaml('null')}`)).toEqual({ k: 'null' });
    expect(parseYaml(`k: ${yaml(42)}`)).toEqual({ k: '42' });
  });
});

describe('shell', () => {
  it.each(HOSTILE)('%j reads back when sh evaluates it, without running anything', (value) => {
    const out = execFileSync('sh', ['-c', `printf '%s' ${shell(value)}`], { encoding: 'utf8' });
    expect(out).toBe(value);
    expect(execFileSync('sh', ['-c', `x=${shell(value)}; printf '%s' "$x"`], { encoding: 'utf8' })).toBe(value);
  });

  it('refuses a NUL byte, which no sh word can hold', () => {
    expect(() => shell('a\0b')).toThrow(FilterError);
  });
});

describe('url', () => {
  it.each(HOSTILE)('%j reads back with decodeURIComponent and keeps only unreserved characters', (value) => {
    const encoded = url(value);
    expect(encoded).toMatch(/^[A-Za-z0-9\-._~%]*$/);
    expect(decodeURIComponent(encoded)).toBe(value);
    expect(new URL(`postgres://user:${encoded}@db/app`).password).toBe(encoded);
  });
});

describe('base64 and base64_decode', () => {
  it.each(HOSTILE)('%j reads back with Buffer and with base64_decode', (value) => {
    expect(Buffer.from(base64(value), 'base64').toString('utf8')).toBe(value);
    expect(base64Decode(base64(value))).toBe(value);
  });

  it('accepts the URL-safe alphabet, missing padding and line breaks', () => {
    const value = 'ÿ>?~ hello';
    expect(base64Decode(Buffer.from(value).toString('base64url'))).toBe(value);
    expect(base64Decode(`${base64(value).slice(0, 4)}\n${base64(value).slice(4)}\n`)).toBe(value);
  });

  it('refuses input that is not base64, or bytes that are not text, without quoting the value', () => {
    expect(() => base64Decode('not base64!')).toThrow(/^base64_decode: the value is not base64$/);
    expect(() => base64Decode('abcde')).toThrow(FilterError);
    expect(() => base64Decode(Buffer.from([0xff, 0xfe]).toString('base64'))).toThrow(/2 bytes are not UTF-8 text/);
  });

  it('encodes a binary secret byte for byte; any text use of it is an error naming it, not its value', () => {
    const bytes = Buffer.from([0x00, 0xff, 0x80, 0x41]);
    const secret = new BinarySecret('keystore', bytes);
    expect(Buffer.from(base64(secret), 'base64')).toEqual(bytes);
    for (const filter of [json, yaml, shell, url]) expect(() => filter(secret)).toThrow(/secret "keystore" is not UTF-8 text \(4 bytes\)/);
    expect(() => String(secret)).toThrow(FilterError);
  });
});
