// What a root process may do: uid 0 without CAP_SETUID and CAP_SETGID (a container
// started with --cap-drop) cannot switch users, and must find that out before it
// writes any file or starts anything. Read from /proc/self/status (CapEff).

import { readFileSync } from 'node:fs';

/** Capability numbers from linux/capability.h. */
export const CAP = { CHOWN: 0, DAC_OVERRIDE: 1, SETGID: 6, SETUID: 7 } as const;

/** The names of the capabilities in `wanted` that this process lacks; [] when /proc says nothing. */
export function missingCapabilities(wanted: readonly (keyof typeof CAP)[], status = readStatus()): string[] {
  const line = /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  if (line === undefined) return [];
  const effective = BigInt(`0x${line}`);
  return wanted.filter((name) => (effective & (1n << BigInt(CAP[name]))) === 0n).map((name) => `CAP_${name}`);
}

function readStatus(): string {
  try {
    return readFileSync('/proc/self/status', 'utf8');
  } catch {
    return '';
  }
}
