#!/usr/bin/env bash
# Runs a command against a real, fresh, unlocked GNOME keyring on a private D-Bus session bus:
#
#   bash scripts/with-keychain.sh npx vitest run
#
# Inside, CCSTUDIO_KEYCHAIN_EXPECTED=1 is exported: the keychain tests then FAIL (not skip) when no
# keychain answers. Each run gets its own temporary XDG_DATA_HOME (where the keyring file lives) and
# XDG_RUNTIME_DIR, so a keyring left over from another run, or the developer's own keyring, is never
# touched. Needs the apt packages dbus-daemon (dbus-run-session), gnome-keyring and libsecret-tools.
# When they are missing: under CI=true this fails loudly; elsewhere it warns on one line and runs the
# command directly (the keychain tests then check the fallback instead).
# The exit code is the command's.
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: bash scripts/with-keychain.sh COMMAND [ARGS...]" >&2
  exit 2
fi

# Second stage: we are inside dbus-run-session.
if [[ "${1:-}" == "--inside-session" ]]; then
  shift
  password="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  # --unlock reads the password from stdin and creates the login keyring with it on first use.
  # Some versions print GNOME_KEYRING_CONTROL=... (others nothing); export what it prints.
  if ! daemon_env="$(printf '%s' "$password" | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"; then
    echo "with-keychain: gnome-keyring-daemon failed to start" >&2
    exit 1
  fi
  while IFS= read -r line; do
    [[ "$line" == *=* ]] && export "${line?}"
  done <<<"$daemon_env"
  unset password
  export CCSTUDIO_KEYCHAIN_EXPECTED=1
  export CCSTUDIO_KEYCHAIN_SESSION="$DBUS_SESSION_BUS_ADDRESS"
  set +e
  "$@"
  status=$?
  set -e
  # The daemon exits with the session bus (dbus-run-session ends it when this script returns).
  exit "$status"
fi

# Already inside a keychain session (a script that calls another): just run.
if [[ -n "${CCSTUDIO_KEYCHAIN_SESSION:-}" && "${CCSTUDIO_KEYCHAIN_SESSION}" == "${DBUS_SESSION_BUS_ADDRESS:-}" ]]; then
  exec "$@"
fi

missing=()
for tool in dbus-run-session gnome-keyring-daemon; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if (( ${#missing[@]} > 0 )); then
  if [[ "${CI:-}" == "true" ]]; then
    echo "with-keychain: ERROR: ${missing[*]} not found. CI must install the apt packages dbus-daemon gnome-keyring libsecret-tools (and libsecret-1-dev for keytar's build)." >&2
    exit 1
  fi
  echo "with-keychain: warning: ${missing[*]} not found; running without a test keychain (keychain tests will check the fallback)." >&2
  exec "$@"
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/ccstudio-keychain.XXXXXX")"
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
mkdir -p "$tmp/data" "$tmp/runtime"
chmod 700 "$tmp/runtime"
export XDG_DATA_HOME="$tmp/data"
export XDG_RUNTIME_DIR="$tmp/runtime"
unset GNOME_KEYRING_CONTROL DBUS_SESSION_BUS_ADDRESS CCSTUDIO_KEYCHAIN_SESSION

set +e
dbus-run-session -- bash "${BASH_SOURCE[0]}" --inside-session "$@"
status=$?
set -e
exit "$status"
