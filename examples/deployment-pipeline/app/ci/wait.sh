#!/bin/sh
# WAIT: touch the environment only while this build holds its lock.
set -eu
test "$(cat env-lock/name)" = "$ENV" || { echo "holding lock '$(cat env-lock/name)', not '$ENV'"; exit 1; }
echo "holding the $ENV lock"
