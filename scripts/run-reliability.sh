#!/usr/bin/env bash
# The reliability suites of docs/RELIABILITY.md, one after the other, each printing its figures. All of
# them run even when one fails (every figure is worth seeing); the exit code says whether any failed.
set -u
status=0
for suite in test:faults test:crash test:hostile; do
  echo "== npm run $suite"
  started=$SECONDS
  npm run "$suite" --silent || status=1
  echo "== $suite took $((SECONDS - started)) s"
done
exit $status
