#!/bin/sh
# DEPLOY: roll the app out to what terraform applied (its outputs are terraform/metadata).
set -eu
endpoint=$(sed -n 's/.*"endpoint": *"\([^"]*\)".*/\1/p' terraform/metadata)
test -n "$endpoint" || { echo "terraform gave no endpoint"; exit 1; }
cat > deployment/manifest.json <<JSON
{ "env": "$ENV", "endpoint": "$endpoint", "commit": "$(cat app/.git/ref)", "config": $(cat config/terraform.json) }
JSON
echo "deployed $(cat app/.git/short_ref) to $endpoint"
