#!/bin/sh
# GIT TAG RELEASE: the release's asset and notes for the bumped version.
set -eu
version=$(cat version/version)
tar -czf "release/widget-$version.tgz" -C app terraform ci
echo "widget $version, commit $(cat app/.git/ref)" > release/notes.md
echo "packaged widget-$version.tgz"
