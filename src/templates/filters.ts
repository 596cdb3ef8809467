// The filters config files need (SPEC §4), beyond Liquid's own. Each one quotes or
// encodes a value for one consumer so that any value, hostile or not, reads back as
// itself: json -> JSON.parse, yaml -> a YAML parser, shell -> sh, url -> decodeURIComponent.
// Errors name the filter and what was wrong, never the value.

/** A filter failure whose message is safe to print (it never holds the value). */
export class FilterError extends Error {
  override readonly name = 'FilterError';
}

/**
 * A secret that is not UTF-8 text: only `| base64` can render it, byte for byte. The
 * bytes sit in a private field, out of reach of templates (ownPropertyOnly).
 */
export class BinarySecret {
  readonly #bytes: Buffer;

  constructor(readonly secretName: string, bytes: Buffer) {
    this.#bytes = bytes;
  }

  bytes(): Buffer {
    return this.#bytes;
  }

  /** Any other use as text is an error: decoding would silently change the bytes. */
  toString(): never {
    throw new FilterError(`secret "${this.secretName}" is not UTF-8 text (${this.#bytes.length} bytes), so it can only be rendered with | base64`);
  }

  valueOf(): never {
    return this.toString();
  }
}

/**
 * Characters JSON allows raw in a string but another reader of a JSON string rejects or
 * changes: DEL (TOML rejects it), the C1 controls and U+FFFE, U+FFFF (outside YAML's
 * printable set: PyYAML rejects them), NEL (a YAML 1.1 line break, folded to a space
 * inside quotes), LINE and PARAGRAPH SEPARATOR (YAML 1.1 line breaks too; JavaScript
 * before ES2019 rejected them in strings) and the BOM. Outside strings JSON text has
 * none of them, so they are escaped wherever they appear.
 */
const JSON_UNSAFE = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

/**
 * A quoted JSON string (any other value: its JSON text); `| json: 2` indents, as Liquid's
 * own json does. The string reads back as itself in JSON, TOML (a basic string) and YAML
 * 1.1 and 1.2 (a double-quoted scalar): every control character and each one above is a
 * `\uXXXX` escape, which all of them read.
 */
export function json(value: unknown, space?: unknown): string {
  if (value instanceof BinarySecret) value.toString();
  // JSON.stringify would write a lone surrogate as \udXXX, which TOML and some YAML readers refuse.
  const wellFormed = (key: string, item: unknown): unknown => {
    if (!key.isWellFormed() || (typeof item === 'string' && !item.isWellFormed())) throw new FilterError('json: the value is not well-formed Unicode (a lone surrogate)');
    return item;
  };
  const text = JSON.stringify(value ?? null, wellFormed, typeof space === 'number' ? space : undefined) ?? 'null';
  return text.replace(JSON_UNSAFE, (char) => `\\u${(char.codePointAt(0) as number).toString(16).padStart(4, '0')}`);
}

/**
 * A double-quoted YAML scalar, the one YAML style that can hold any text: `\` and `"`
 * escaped, and every character outside YAML's printable set, line breaks included,
 * as an escape (YAML 1.2 §5.1, §5.7), so a value can never end the scalar early.
 */
export function yaml(value: unknown): string {
  const text = wellFormedText('yaml', value);
  let out = '"';
  for (const char of text) out += escapeYamlChar(char);
  return `${out}"`;
}

const YAML_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\', '"': '\\"', '\0': '\\0', '\x07': '\\a', '\b': '\\b', '\t': '\\t', '\n': '\\n',
  '\v': '\\v', '\f': '\\f', '\r': '\\r', '\x1b': '\\e', '\x85': '\\N', '\u2028': '\\L', '\u2029': '\\P',
};

function escapeYamlChar(char: string): string {
  const escape = YAML_ESCAPES[char];
  if (escape !== undefined) return escape;
  const code = char.codePointAt(0) as number;
  const printable = (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd && code !== 0xfeff) || code >= 0x10000;
  return printable ? char : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** A single-quoted sh word: `'` becomes `'\''`, everything else is literal inside quotes. */
export function shell(value: unknown): string {
  const text = wellFormedText('shell', value);
  if (text.includes('\0')) throw new FilterError('shell: the value contains a NUL byte, which no sh word can hold');
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/** Percent-encoding of every byte outside RFC 3986's unreserved set (`A-Za-z0-9-._~`). */
export function url(value: unknown): string {
  const text = wellFormedText('url', value);
  return encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${(char.codePointAt(0) as number).toString(16).toUpperCase()}`);
}

/** Standard base64 of the value's bytes (a binary secret's own bytes, text as UTF-8). */
export function base64(value: unknown): string {
  if (value instanceof BinarySecret) return value.bytes().toString('base64');
  return Buffer.from(textOf('base64', value), 'utf8').toString('base64');
}

/** Decodes base64 (standard or URL-safe alphabet, padding optional, whitespace ignored) to UTF-8 text. */
export function base64Decode(value: unknown): string {
  const text = textOf('base64_decode', value).replace(/[\t\n\r ]/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text) || text.replace(/=+$/, '').length % 4 === 1) {
    throw new FilterError('base64_decode: the value is not base64');
  }
  const bytes = Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
  const decoded = bytes.toString('utf8');
  if (!Buffer.from(decoded, 'utf8').equals(bytes)) throw new FilterError(`base64_decode: the decoded ${bytes.length} bytes are not UTF-8 text`);
  return decoded;
}

/** The filters runsecrets adds, by the name templates use. */
export const FILTERS: Readonly<Record<string, (value: unknown, ...args: unknown[]) => string>> = {
  json,
  yaml,
  shell,
  url,
  base64,
  base64_decode: base64Decode,
};

/** textOf, refusing a lone surrogate: written out as UTF-8 it would silently become U+FFFD. */
function wellFormedText(filter: string, value: unknown): string {
  const text = textOf(filter, value);
  if (!text.isWellFormed()) throw new FilterError(`${filter}: the value is not well-formed Unicode (a lone surrogate)`);
  return text;
}

/** A filter's input as text: strings as they are, numbers and booleans in Liquid's form. */
function textOf(filter: string, value: unknown): string {
  if (value instanceof BinarySecret) return value.toString();
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  throw new FilterError(`${filter}: expects text, got ${Array.isArray(value) ? 'an array' : typeof value}`);
}
