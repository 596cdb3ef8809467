// The app in the Kubernetes example: reads its database config from a file, never from
// secret env vars, and reads it again on SIGHUP. Logs what it loaded by size only.
import { readFileSync } from 'node:fs';

const path = process.env.DATABASE_CONFIG ?? '/run/app/database.json';

function load(why) {
  const config = JSON.parse(readFileSync(path, 'utf8'));
  console.log(`app: ${why} ${path}: user ${config.user.length} chars, password ${config.password.length} chars`);
}

load('loaded');
process.on('SIGHUP', () => load('reloaded'));
process.on('SIGTERM', () => process.exit(0));
console.log('app: READY');
setInterval(() => {}, 1 << 30);
