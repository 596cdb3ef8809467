// Automatic variable names: `db-password` -> `DB_PASSWORD`.

/**
 * Every character outside [A-Za-z0-9_] becomes `_`, the rest is upper-cased, the
 * prefix goes in front, and a leading digit gets a leading `_`.
 */
export function automaticName(secret: string, prefix: string): string {
  const name = prefix + secret.replace(/[^A-Za-z0-9_]/g, '_').toUpperCase();
  return /^[0-9]/.test(name) ? `_${name}` : name;
}
