#!/bin/sh
# PROMETHEUS: scrape targets for the deployment.
set -eu
echo "prometheus: scraping $(sed -n 's/.*"endpoint": "\([^"]*\)".*/\1/p' deployment/manifest.json)/metrics"
