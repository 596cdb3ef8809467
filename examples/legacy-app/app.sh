#!/bin/sh
# A stand-in for a legacy app: it takes its settings from one config file, which it
# sources, and never from the environment. It reports names and lengths only.
set -eu
config=${1:-/etc/legacy-app/app.conf}
. "$config"
echo "legacy app: uid $(id -u), settings from $config"
echo "legacy app: db_host=$db_host db_user=$db_user, db_password ${#db_password} chars, api_key ${#api_key} chars"
if env | grep -qF -- "$db_password"; then echo "legacy app: db_password is in the environment too"; else echo "legacy app: no secret in the environment"; fi
