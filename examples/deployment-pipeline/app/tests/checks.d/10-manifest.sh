#!/bin/sh
# The deployment names its environment and an endpoint.
grep -q '"endpoint": "https://' "$1"
