// /etc/passwd and /etc/group parsing, pure: text in, entries out. Malformed lines are
// skipped, as glibc does: a line whose uid or gid is not a number never matches, so it
// can never be read as 0 (root).

/** One /etc/passwd entry. */
export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

/** One /etc/group entry. */
export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
}

/** Parses /etc/passwd text (`name:pw:uid:gid:gecos:home:shell`). */
export function parsePasswd(text: string): PasswdEntry[] {
  return records(text, 7).flatMap(([name = '', , uid = '', gid = '', , home = '']) => {
    const ids = [toId(uid), toId(gid)];
    return ids[0] === undefined || ids[1] === undefined ? [] : [{ name, uid: ids[0], gid: ids[1], home }];
  });
}

/** Parses /etc/group text (`name:pw:gid:member,member`). */
export function parseGroup(text: string): GroupEntry[] {
  return records(text, 4).flatMap(([name = '', , gid = '', members = '']) => {
    const id = toId(gid);
    return id === undefined ? [] : [{ name, gid: id, members: members.split(',').filter(Boolean) }];
  });
}

function records(text: string, minFields: number): string[][] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(':'))
    .filter((fields) => fields.length >= minFields - 1);
}

/** A decimal id as Go's strconv.Atoi reads it (`+5` is 5), in moby/sys/user's range, or undefined. */
export function toId(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const id = Number(text) + 0; // + 0 turns -0 into 0
  return id >= 0 && id <= 2 ** 31 - 1 ? id : undefined;
}
