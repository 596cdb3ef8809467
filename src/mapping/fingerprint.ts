// Short sha256 fingerprints: enough to tell two values apart in a plan or a log line,
// never enough to print the value.

import { createHash } from 'node:crypto';

/** First 8 hex digits of the value's sha256. */
export function fingerprint(value: Buffer): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 8);
}
