// The two helpers every stage uses: environments without a prototype, and name order.

import { describe, expect, it } from 'vitest';
import { envObject, sortedByName } from '../../src/types.js';

describe('envObject', () => {
  it('holds every defined variable of its sources, later ones winning, with no prototype', () => {
    const env = envObject({ A: '1', B: '2', GONE: undefined }, { B: 'two', C: '3' });
    expect(Object.getPrototypeOf(env)).toBe(null);
    expect(Object.entries(env)).toEqual([['A', '1'], ['B', 'two'], ['C', '3']]);
  });

  it('keeps variables named like Object.prototype\'s members as variables (negative control: a plain object loses __proto__)', () => {
    const source = JSON.parse('{"__proto__": "p", "constructor": "c", "hasOwnProperty": "h"}') as Record<string, string>;
    const env = envObject(source);
    env['toString'] = 't';
    expect(Object.keys(env).sort()).toEqual(['__proto__', 'constructor', 'hasOwnProperty', 'toString']);
    expect(env['__proto__']).toBe('p');
    const plain: Record<string, string> = {};
    for (const name of Object.keys(source)) plain[name] = source[name] as string;
    expect(Object.keys(plain)).not.toContain('__proto__');
  });
});

describe('sortedByName', () => {
  it('orders as a comparison of names with < does: code units, capitals before small letters, digits and punctuation first', () => {
    const names = ['db_password', 'DB_PASSWORD', 'api-token', 'api.token', 'z', 'é', '10', '9', 'Zeta', 'api_token', '', 'ß'];
    const byName = new Map(names.map((name) => [name, { name }]));
    const expected = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(sortedByName(byName).map((item) => item.name)).toEqual(expected);
  });
});
