#!/bin/sh
# `runsecrets` on PATH in a Node.js image (Dockerfile.example, node-app): the bundle
# started so that Node.js reads none of runsecrets' or the app's arguments as its own
# (`--`) and no SIGUSR1 during its start opens the inspector (--disable-sigusr1); see
# SECURITY.md. exec: the PID stays, so exec mode leaves the app alone with it.
exec node --disable-sigusr1 -- /opt/runsecrets/runsecrets.mjs "$@"
