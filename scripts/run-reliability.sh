#!/usr/bin/env bash
# The reliability suites of docs/RELIABILITY.md, each printing its figures. All of them run even when one
# fails (every figure is worth seeing); the exit code says whether any failed. The crash suite runs alone
# (its lanes keep every core busy). The faults suite waits on the disk more than it computes (about 1.3
# cores busy) and the hostile suite mostly computes, so those two run side by side: together they take
# about as long as the slower one, which keeps `npm test` under 25 minutes with the 500 kills issue 9 asks.
set -u
status=0
echo "== npm run test:crash"
started=$SECONDS
npm run test:crash --silent || status=1
echo "== test:crash took $((SECONDS - started)) s"
started=$SECONDS
bash "$(dirname "$0")/run-side-by-side.sh" test:faults test:hostile || status=1
echo "== test:faults and test:hostile, side by side, took $((SECONDS - started)) s"
exit $status
