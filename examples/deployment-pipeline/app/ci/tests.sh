#!/bin/sh
# TESTS: every check in tests/checks.d against the deployment; one failing fails the step.
set -eu
failed=0
for check in app/tests/checks.d/*.sh; do
  if sh "$check" deployment/manifest.json; then echo "ok   $(basename "$check")"; else echo "FAIL $(basename "$check")"; failed=1; fi
done
exit "$failed"
