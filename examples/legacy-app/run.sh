#!/bin/sh
# The legacy app wrapped by runsecrets, over the fake secrets in secrets/ here:
#   sh examples/legacy-app/run.sh [CONFIG_DIR]   (default /tmp/legacy-app)
# --explicit keeps the secrets out of the environment: the app gets them only from the
# rendered file. In an image, the same settings are ENV twins (see README.md here).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
config_dir=${1:-/tmp/legacy-app}
exec ${RUNSECRETS:-node -- "$here/../../dist/runsecrets.mjs"} \
  --explicit --dir "$here/secrets" \
  --template "$here/app.conf.tmpl:$config_dir/app.conf" \
  -- sh "$here/app.sh" "$config_dir/app.conf"
