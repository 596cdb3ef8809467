// A stand-in for a real app: reports what it received from runsecrets by name and
// length only, the way an app's own start-up log should.
const names = Object.keys(process.env)
  .filter((name) => /PASSWORD|KEY|TOKEN|SECRET|SMTP_|^PORT$|^LOG_LEVEL$/.test(name))
  .sort();

console.log(`sample app: pid ${process.pid}, uid ${process.getuid()}, HOME=${process.env.HOME}`);
console.log(`sample app: received ${names.length} variables:`);
for (const name of names) console.log(`  ${name.padEnd(14)} ${process.env[name].length} chars`);
const leaked = Object.keys(process.env).filter((name) => name.startsWith('RUNSECRETS_'));
console.log(`sample app: RUNSECRETS_* variables visible: ${leaked.length === 0 ? 'none' : leaked.join(', ')}`);
