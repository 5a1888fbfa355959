#!/bin/sh
# CONFIG: the settings of the environment being deployed, as terraform variables.
set -eu
echo "{ \"replicas\": $(cat "app/config/$ENV.replicas") }" > config/terraform.json
echo "config for $ENV: $(cat config/terraform.json)"
