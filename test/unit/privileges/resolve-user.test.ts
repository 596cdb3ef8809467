// Docker's --user grammar over fixture passwd/group text, the table gosu's own test
// suite uses ported to resolveUser: what each spec must resolve to, and what must fail.

import { describe, expect, it } from 'vitest';
import { RunsecretsError } from '../../../src/errors.js';
import { resolveUser, type Caller, type Credentials } from '../../../src/privileges/resolve-user.js';
import { checkCanSwitch } from '../../../src/privileges/switch-user.js';
import { parseGroup, parsePasswd, toId } from '../../../src/privileges/user-db.js';
import { missingCapabilities } from '../../../src/privileges/capabilities.js';
import { AS_ROOT, requires } from '../../helpers/requirements.js';

const PASSWD = `
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
app:x:1000:1000:App:/home/app:/bin/sh
app:x:2000:2000:Same name, later line:/home/shadowed:/bin/sh
twin:x:1000:3000:Same uid, later line:/home/twin:/bin/sh
# a comment
  indented:x:1500:1500::/home/indented:/bin/sh
a line without any colons
bad:x:notanumber:1:gecos:/bad:/bin/sh
short:x:5:5
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
`;

const GROUP = `
root:x:0:
daemon:x:1:
users:x:100:
wheel:x:10:root,app
docker:x:999:app
docker:x:998:app,daemon
app:x:1000:
# a comment
badgroup:x:abc:app
nogroup:x:65534:
`;

const passwd = parsePasswd(PASSWD);
const group = parseGroup(GROUP);
const ROOT: Caller = { uid: 0, gid: 0 };

/** A Credentials value; `name` only when a passwd entry matched. */
const cred = (uid: number, gid: number, groups: number[], home: string, name?: string): Credentials =>
  name === undefined ? { uid, gid, groups, home } : { uid, gid, groups, home, name };

const APP_IMPLICIT = cred(1000, 1000, [10, 999, 998], '/home/app', 'app');
const APP_USERS = cred(1000, 100, [], '/home/app', 'app');

describe('resolveUser', () => {
  it.each<{ spec: string; caller?: Caller; expected: Credentials; why: string }>([
    { spec: 'app', expected: APP_IMPLICIT, why: 'user: gid from passwd, supplementary groups from /etc/group member lists, first entry wins' },
    { spec: '1000', expected: APP_IMPLICIT, why: 'uid with a passwd entry: the first entry with that uid' },
    { spec: 'app:users', expected: APP_USERS, why: 'user:group: explicit group, no supplementary groups' },
    { spec: '1000:100', expected: APP_USERS, why: 'uid:gid' },
    { spec: 'app:100', expected: APP_USERS, why: 'user:gid' },
    { spec: '1000:users', expected: APP_USERS, why: 'uid:group' },
    { spec: 'app:docker', expected: cred(1000, 999, [], '/home/app', 'app'), why: 'explicit group: first group entry of that name wins' },
    { spec: 'app:4343', expected: cred(1000, 4343, [], '/home/app', 'app'), why: 'unknown numeric gid is used as it is' },
    { spec: ':users', expected: cred(0, 100, [], '/root', 'root'), why: ':group keeps the caller as user, with its passwd entry' },
    { spec: ':100', expected: cred(0, 100, [], '/root', 'root'), why: ':gid' },
    { spec: ':users', caller: { uid: 4242, gid: 7 }, expected: cred(4242, 100, [], '/'), why: ':group for a caller without passwd entry' },
    { spec: 'root', expected: cred(0, 0, [10], '/root', 'root'), why: 'root is listed in wheel' },
    { spec: 'nobody', expected: cred(65534, 65534, [], '/nonexistent', 'nobody'), why: 'user in no group list' },
    { spec: '4242', expected: cred(4242, 0, [], '/'), why: 'unknown uid: used as it is, gid stays the caller\'s, HOME /, no groups' },
    { spec: '4242', caller: { uid: 0, gid: 7 }, expected: cred(4242, 7, [], '/'), why: 'unknown uid keeps the caller\'s gid, whatever it is' },
    { spec: '4242:4343', expected: cred(4242, 4343, [], '/'), why: 'unknown uid and gid' },
    { spec: '4242:users', expected: cred(4242, 100, [], '/'), why: 'unknown uid with a group name' },
    { spec: '5', expected: cred(5, 0, [], '/'), why: 'the short passwd line for uid 5 was skipped' },
    { spec: 'indented', expected: cred(1500, 1500, [], '/home/indented', 'indented'), why: 'leading blanks are trimmed' },
    { spec: 'app:users:extra', expected: APP_USERS, why: 'a:b:c uses only the first two fields, as gosu does' },
    { spec: 'app::x', expected: APP_IMPLICIT, why: 'empty second field: implicit form' },
    { spec: 'app:', expected: APP_IMPLICIT, why: 'trailing colon: implicit form' },
    { spec: '01000', expected: APP_IMPLICIT, why: 'leading zeros, as strconv.Atoi reads them' },
    { spec: '+1000', expected: APP_IMPLICIT, why: 'a plus sign, as strconv.Atoi reads it' },
    { spec: '-0:+100', expected: cred(0, 100, [], '/root', 'root'), why: 'signed ids, as strconv.Atoi reads them' },
  ])('$spec: $why', ({ spec, caller, expected }) => {
    expect(resolveUser(spec, passwd, group, caller ?? ROOT)).toEqual(expected);
  });

  it.each<{ spec: string; code: string; mentions: string }>([
    { spec: 'nosuch', code: 'UNKNOWN_USER', mentions: 'no user named "nosuch"' },
    { spec: 'nosuch:users', code: 'UNKNOWN_USER', mentions: 'no user named "nosuch"' },
    { spec: 'bad', code: 'UNKNOWN_USER', mentions: 'no user named "bad"' },
    { spec: 'short', code: 'UNKNOWN_USER', mentions: 'no user named "short"' },
    { spec: '-1', code: 'UNKNOWN_USER', mentions: '"-1"' },
    { spec: '2147483648', code: 'UNKNOWN_USER', mentions: '"2147483648"' },
    { spec: 'app:nosuch', code: 'UNKNOWN_GROUP', mentions: 'no group named "nosuch"' },
    { spec: '4242:nosuch', code: 'UNKNOWN_GROUP', mentions: 'no group named "nosuch"' },
    { spec: ':nosuch', code: 'UNKNOWN_GROUP', mentions: 'no group named "nosuch"' },
    { spec: 'app:badgroup', code: 'UNKNOWN_GROUP', mentions: 'no group named "badgroup"' },
  ])('$spec fails with $code, exit 1', ({ spec, code, mentions }) => {
    const error = thrown(() => resolveUser(spec, passwd, group, ROOT));
    expect(error).toMatchObject({ code, exitCode: 1 });
    expect(error.message).toContain(mentions);
    expect(error.message).toContain(`--user ${spec} (RUNSECRETS_USER)`);
    expect(error.message).not.toContain('\n');
  });

  it('uses the caller\'s ids when /etc/passwd and /etc/group are missing (empty)', () => {
    expect(resolveUser('4242', [], [], { uid: 0, gid: 3 })).toEqual(cred(4242, 3, [], '/'));
    expect(resolveUser('4242:55', [], [], ROOT)).toEqual(cred(4242, 55, [], '/'));
    expect(thrown(() => resolveUser('app', [], [], ROOT)).code).toBe('UNKNOWN_USER');
  });
});

describe('parsePasswd', () => {
  it('keeps well-formed entries in file order and skips comments, blanks and malformed lines', () => {
    expect(parsePasswd(PASSWD).map((entry) => entry.name)).toEqual(['root', 'daemon', 'app', 'app', 'twin', 'indented', 'nobody']);
  });

  it('reads name, uid, gid and home', () => {
    expect(parsePasswd('app:x:1000:1001:App User:/home/app:/bin/sh\n')).toEqual([{ name: 'app', uid: 1000, gid: 1001, home: '/home/app' }]);
  });

  it('accepts a line without the shell field and a CRLF ending', () => {
    expect(parsePasswd('a:x:1:2:g:/h\r\n')).toEqual([{ name: 'a', uid: 1, gid: 2, home: '/h' }]);
  });

  it.each(['a:x:1:2:g', 'a:x::2:g:/h:/bin/sh', 'a:x:1:z:g:/h:/bin/sh', 'a:x:-1:2:g:/h:/bin/sh', 'a:x:2147483648:2:g:/h:/bin/sh', '#a:x:1:2:g:/h:/bin/sh'])('skips %j', (line) => {
    expect(parsePasswd(`${line}\nok:x:9:9::/:/bin/sh\n`)).toEqual([{ name: 'ok', uid: 9, gid: 9, home: '/' }]);
  });
});

describe('parseGroup', () => {
  it('keeps well-formed entries in file order and skips comments and malformed lines', () => {
    expect(parseGroup(GROUP).map((entry) => `${entry.name}:${entry.gid}`)).toEqual(['root:0', 'daemon:1', 'users:100', 'wheel:10', 'docker:999', 'docker:998', 'app:1000', 'nogroup:65534']);
  });

  it('splits the member list on commas and drops empty members', () => {
    expect(parseGroup('g:x:5:a,,b,\n')).toEqual([{ name: 'g', gid: 5, members: ['a', 'b'] }]);
    expect(parseGroup('g:x:5:\n')).toEqual([{ name: 'g', gid: 5, members: [] }]);
  });

  it('accepts a line without the member field', () => {
    expect(parseGroup('g:x:5\n')).toEqual([{ name: 'g', gid: 5, members: [] }]);
  });

  it.each(['g:x', 'g:x::a', 'g:x:five:a', '# g:x:5:a'])('skips %j', (line) => {
    expect(parseGroup(`${line}\nok:x:9:\n`)).toEqual([{ name: 'ok', gid: 9, members: [] }]);
  });
});

describe('toId', () => {
  it.each<[string, number | undefined]>([
    ['0', 0], ['1000', 1000], ['007', 7], ['+5', 5], ['-0', 0], ['2147483647', 2147483647],
    ['', undefined], ['-1', undefined], ['2147483648', undefined], ['1e3', undefined], [' 1', undefined], ['0x10', undefined], ['1_000', undefined], ['app', undefined],
  ])('%j → %s', (text, expected) => {
    expect(toId(text)).toBe(expected); // toBe is Object.is: -0 must come out as 0
  });
});

describe('checkCanSwitch', () => {
  const NOBODY = cred(65534, 65534, [], '/nonexistent', 'nobody');

  // checkCanSwitch reads this process's capabilities: root's, and only with CAP_SETUID and CAP_SETGID.
  const CAN_SWITCH = AS_ROOT ?? (missingCapabilities(['SETUID', 'SETGID']).length === 0 ? undefined : 'CAP_SETUID and CAP_SETGID (a root without --cap-drop)');

  it('lets root switch to anyone', requires(CAN_SWITCH), () => {
    expect(() => checkCanSwitch('nobody', NOBODY, ROOT)).not.toThrow();
    expect(() => checkCanSwitch('4242', cred(4242, 0, [], '/'), ROOT)).not.toThrow();
  });

  it('is a no-op for a non-root caller asking for its own uid and gid', () => {
    expect(() => checkCanSwitch('nobody', NOBODY, { uid: 65534, gid: 65534 })).not.toThrow();
    expect(() => checkCanSwitch('65534:65534', NOBODY, { uid: 65534, gid: 65534 })).not.toThrow();
  });

  it.each<{ spec: string; target: Credentials; caller: Caller }>([
    { spec: 'root', target: cred(0, 0, [], '/root', 'root'), caller: { uid: 65534, gid: 65534 } },
    { spec: 'nobody:0', target: cred(65534, 0, [], '/nonexistent', 'nobody'), caller: { uid: 65534, gid: 65534 } },
    { spec: '1000', target: cred(1000, 65534, [], '/'), caller: { uid: 65534, gid: 65534 } },
  ])('refuses $spec for a non-root caller: NOT_ROOT, "must start as root"', ({ spec, target, caller }) => {
    const error = thrown(() => checkCanSwitch(spec, target, caller));
    expect(error).toMatchObject({ code: 'NOT_ROOT', exitCode: 1 });
    expect(error.message).toContain('must start as root');
    expect(error.message).toContain(`--user ${spec}`);
    expect(error.message).not.toContain('\n');
  });
});

function thrown(fn: () => unknown): RunsecretsError {
  try {
    fn();
  } catch (error) {
    if (error instanceof RunsecretsError) return error;
    throw error;
  }
  throw new Error('expected a RunsecretsError');
}
