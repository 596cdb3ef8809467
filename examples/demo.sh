#!/bin/sh
# `npm run demo`: runsecrets over the fake secrets in examples/dev-secrets, as a developer
# would mount them locally, in front of a sample app that prints names and lengths.
set -e
cd "$(dirname "$0")/.."
run() {
  printf '\n$ runsecrets %s\n' "$*"
  node -- dist/runsecrets.mjs "$@"
}

# Configured the way a Dockerfile would, through ENV twins.
export RUNSECRETS_DIR=examples/dev-secrets
export RUNSECRETS_DOTENV=examples/dev.env

run --check -- node examples/sample-app/app.mjs
run --map PGPASSWORD=db_password -- node examples/sample-app/app.mjs
run --require db_password -- sh -c 'echo "shell sees DB_PASSWORD with ${#DB_PASSWORD} characters"'
printf '\n$ runsecrets --require tls_key -- node examples/sample-app/app.mjs   # a missing secret\n'
node -- dist/runsecrets.mjs --require tls_key -- node examples/sample-app/app.mjs || echo "(exit status $?: the app was not started)"
