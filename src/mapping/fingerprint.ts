// Short sha256 fingerprints: enough to tell two values apart in a plan or a log line,
// never enough to print the value.
//
// node:crypto is fetched on the first call, not imported: watch mode's rotation line
// needs it (watch/diff.ts), and an import would load all of crypto, some 20 modules,
// into the resident supervisor at start (BENCHMARKS.md, "Watch mode").

/** First 8 hex digits of the value's sha256. */
export function fingerprint(value: Buffer): string {
  return process.getBuiltinModule('node:crypto').createHash('sha256').update(value).digest('hex').slice(0, 8);
}
