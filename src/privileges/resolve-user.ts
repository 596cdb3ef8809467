// Docker's --user grammar resolved exactly as gosu does it (gosu's SetupUser over
// moby/sys/user's GetExecUser): user, uid, user:group, uid:gid, user:gid, uid:group,
// :group. Pure: the passwd and group entries and the caller's ids are passed in.

import { RunsecretsError } from '../errors.js';
import { toId, type GroupEntry, type PasswdEntry } from './user-db.js';

/** Who the child runs as. */
export interface Credentials {
  readonly uid: number;
  readonly gid: number;
  /** Supplementary groups, set before gid and uid (empty: none). */
  readonly groups: readonly number[];
  /** HOME for the child: from passwd, `/` when the uid has no entry. */
  readonly home: string;
  /** The passwd name matched, if any. */
  readonly name?: string;
}

/** The caller's identity, used where the SPEC leaves a part out. */
export interface Caller {
  readonly uid: number;
  readonly gid: number;
}

/** Resolves `spec` against the user database. Throws exit-1 errors for unknown names. */
export function resolveUser(spec: string, passwd: readonly PasswdEntry[], group: readonly GroupEntry[], caller: Caller): Credentials {
  // Like gosu, only the first two ':'-separated fields count.
  const [userArg = '', groupArg = ''] = spec.split(':');
  const uidArg = toId(userArg);
  const gidArg = toId(groupArg);

  const user =
    userArg === '' ? passwd.find((entry) => entry.uid === caller.uid)
    : uidArg !== undefined ? passwd.find((entry) => entry.uid === uidArg)
    : passwd.find((entry) => entry.name === userArg);
  if (user === undefined && userArg !== '' && uidArg === undefined) {
    throw new RunsecretsError('UNKNOWN_USER', `--user ${spec} (RUNSECRETS_USER): no user named "${userArg}" in /etc/passwd; create it in the image or give a numeric uid`);
  }
  const uid = user?.uid ?? uidArg ?? caller.uid;
  let gid = user?.gid ?? caller.gid;
  const home = user?.home ?? '/';

  if (groupArg !== '') {
    const found = gidArg !== undefined ? group.find((entry) => entry.gid === gidArg) : group.find((entry) => entry.name === groupArg);
    if (found === undefined && gidArg === undefined) {
      throw new RunsecretsError('UNKNOWN_GROUP', `--user ${spec} (RUNSECRETS_USER): no group named "${groupArg}" in /etc/group; create it in the image or give a numeric gid`);
    }
    gid = found?.gid ?? (gidArg as number);
    return withName({ uid, gid, groups: [], home }, user?.name);
  }
  const groups = user === undefined ? [] : group.filter((entry) => entry.members.includes(user.name)).map((entry) => entry.gid);
  return withName({ uid, gid, groups, home }, user?.name);
}

function withName(credentials: Credentials, name: string | undefined): Credentials {
  return name === undefined ? credentials : { ...credentials, name };
}

/** `app (1000:1000, groups 27,100)`, or `1000:1000` without a name or groups: watch mode's log lines. */
export function describeCredentials(credentials: Credentials): string {
  const ids = `${credentials.uid}:${credentials.gid}${credentials.groups.length === 0 ? '' : `, groups ${credentials.groups.join(',')}`}`;
  return credentials.name === undefined ? ids : `${credentials.name} (${ids})`;
}
