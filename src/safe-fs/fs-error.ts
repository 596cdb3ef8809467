// Failures of the safe-fs operations, worded for one line: the OS error by its code, the
// path where it happened, and for a permission error who was denied what, so that the
// message says what to change. Never file content.

import { describeOsError, RunsecretsError } from '../errors.js';
import type { Actor } from './actor.js';

/** What an owner/mode description needs. */
export interface Bits {
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
}

/**
 * A failed file operation at `at`, from an OS error or (a string) a reason of runsecrets'
 * own; `describe(subject)` words it for a caller naming `subject`.
 */
export class FsError extends RunsecretsError {
  readonly osCode: string | undefined;
  readonly at: string;
  readonly #os: string;
  readonly #doing: string | undefined;
  readonly #denied: string;

  constructor(at: string, error: unknown, options: { doing?: string; checked?: { path: string; bits: Bits | undefined } } = {}) {
    const os = typeof error === 'string' ? error : describeOsError(error);
    const denied = options.checked === undefined ? '' : describeDenied(error, options.checked.path, options.checked.bits);
    super('FS', `${at}: ${os}${options.doing === undefined ? '' : ` ${options.doing}`}${denied}`, 1, typeof error === 'string' ? undefined : error);
    this.osCode = (error as NodeJS.ErrnoException | undefined)?.code;
    this.at = at;
    this.#os = os;
    this.#doing = options.doing;
    this.#denied = denied;
  }

  /** `permission denied (EACCES) at /a for uid ...`, for a message that already names `subject`. */
  describe(subject: string): string {
    const where = this.#doing ?? (this.at === subject ? '' : `at ${this.at}`);
    return `${this.#os}${where === '' ? '' : ` ${where}`}${this.#denied}`;
  }
}

/** `; for uid 1000 (gid 1000): /x is owner 0:0, mode 0700` for EACCES and EPERM; '' otherwise. */
export function describeDenied(error: unknown, path: string, bits: Bits | undefined): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== 'EACCES' && code !== 'EPERM') return '';
  const gid = process.getegid?.();
  const groups = (process.getgroups?.() ?? []).filter((group) => group !== gid);
  const who = `uid ${process.geteuid?.() ?? '?'} (gid ${gid ?? '?'}${groups.length === 0 ? '' : `, groups ${groups.join(',')}`})`;
  return bits === undefined ? ` for ${who}` : ` for ${who}: ${path} is ${describeBits(bits)}`;
}

/** `owner 0:0, mode 0700`. */
export function describeBits(bits: Bits): string {
  return `owner ${bits.uid}:${bits.gid}, mode ${(bits.mode & 0o7777).toString(8).padStart(4, '0')}`;
}

/** What to change after a permission error (`; ...`); '' for other errors. */
export function accessFix(error: FsError, actor: Actor | undefined): string {
  if (error.osCode !== 'EACCES' && error.osCode !== 'EPERM') return '';
  if (actor !== undefined) return `; runsecrets reads it as uid ${actor.uid}, the command's user, because that user can change the way to it: make it readable by that user, or the directories on the way root's alone`;
  return process.geteuid?.() === 0 ? '; root was refused (no CAP_DAC_OVERRIDE, or a root-squashing mount): make it readable by root' : '; make it readable by this user, or start runsecrets as root';
}
