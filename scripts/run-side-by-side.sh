#!/usr/bin/env bash
# Runs npm scripts side by side and fails if any of them fails. The static checks (tsc, ESLint, Prettier) are
# each one single-threaded process, so on a machine with two or more cores running them together takes
# about as long as the slowest alone. Each script's output is printed whole when it ends, never interleaved.
set -u
pids=()
logs=()
for script in "$@"; do
  log=$(mktemp)
  npm run "$script" --silent >"$log" 2>&1 &
  pids+=($!)
  logs+=("$log")
done
status=0
for i in "${!pids[@]}"; do
  if wait "${pids[$i]}"; then
    echo "== ${*:$((i + 1)):1}: passed"
  else
    echo "== ${*:$((i + 1)):1}: FAILED"
    status=1
  fi
  cat "${logs[$i]}"
  rm -f "${logs[$i]}"
done
exit $status
