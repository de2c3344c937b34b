#!/usr/bin/env bash
# Checks the packaging without downloading anything:
#   1. validates electron-builder.yml against electron-builder's schema;
#   2. makes an unpacked Linux build (`electron-builder --dir`) with a stand-in Electron folder
#      (Electron's binary cannot be downloaded here), in a temp copy of the project;
#   3. checks the result: app.asar holds dist/main/main.cjs, preload.cjs and the renderer, and no
#      sources, tests, source maps or the browser host; keytar's .node, better-sqlite3's .node, sharp's
#      binding and libvips sit in app.asar.unpacked (outside the archive); the fuses were flipped.
#
#   npm run build && bash scripts/check-dist.sh
#   bash scripts/check-dist.sh --placeholders   # no build yet: stage placeholder dist files (temp copy only)
#
# It assumes `npm run build` already ran and fails with a clear message if dist/ is missing. Nothing
# is written inside the repository: the build happens in a temp dir, removed at the end
# (set KEEP_CHECK_DIST=1 to keep it). About 10 s.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
placeholders=0
for arg in "$@"; do
  case "$arg" in
    --placeholders) placeholders=1 ;;
    *) echo "usage: bash scripts/check-dist.sh [--placeholders]" >&2; exit 2 ;;
  esac
done

fail() { echo "check-dist: FAIL: $*" >&2; exit 1; }
say() { echo "check-dist: $*"; }

cd "$root"
[[ -x node_modules/.bin/electron-builder ]] || fail "electron-builder is not installed (run npm ci)."

# 1. The config against the schema.
node - <<'JS' || fail "electron-builder.yml does not validate (see above)."
const { validateConfiguration } = require('app-builder-lib/out/util/config/config');
const yaml = require('js-yaml');
const config = yaml.load(require('fs').readFileSync('electron-builder.yml', 'utf8'));
validateConfiguration(config, { isEnabled: false, add() {} }).catch((error) => {
  console.error(error.message);
  process.exit(1);
});
JS
say "electron-builder.yml is valid"

required=(dist/main/main.cjs dist/main/preload.cjs dist/renderer/index.html)
missing=()
for f in "${required[@]}"; do [[ -f "$f" ]] || missing+=("$f"); done
if (( ${#missing[@]} > 0 && placeholders == 0 )); then
  fail "${missing[*]} missing: run \`npm run build\` first (or pass --placeholders to check the packaging with stand-in files)."
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/ccstudio-check-dist.XXXXXX")"
if [[ "${KEEP_CHECK_DIST:-}" == "1" ]]; then
  trap 'say "kept $tmp"' EXIT
else
  trap 'rm -rf "$tmp"' EXIT
fi
stage="$tmp/project"
out="$tmp/release"
standin="$tmp/electron-standin"

# 2a. A temp copy of what electron-builder reads. node_modules is hard-linked (fast, no extra space);
# electron-builder's dependency walk does not follow a symlinked node_modules, so no symlink.
mkdir -p "$stage"
cp package.json electron-builder.yml "$stage/"
[[ -f package-lock.json ]] && cp package-lock.json "$stage/"
if [[ -d dist ]]; then cp -a dist "$stage/dist"; fi
if ! cp -al node_modules "$stage/node_modules" 2>/dev/null; then
  rm -rf "$stage/node_modules"
  cp -a node_modules "$stage/node_modules"
fi
if (( ${#missing[@]} > 0 )); then
  say "staging placeholders for: ${missing[*]} (temp copy only)"
  for f in "${missing[@]}"; do
    mkdir -p "$stage/$(dirname "$f")"
    case "$f" in
      *.html) echo '<!doctype html><title>placeholder</title>' > "$stage/$f" ;;
      *) echo '"use strict"; // placeholder written by scripts/check-dist.sh' > "$stage/$f" ;;
    esac
  done
fi

# 2b. The stand-in Electron: electron-builder copies an unpacked Electron folder as-is and renames its
# `electron` executable; the fuse step needs the fuse sentinel followed by a V1 wire of 8 fuses. The
# stand-in's wire holds Electron's own defaults, so the check below proves the config flipped them.
mkdir -p "$standin/resources" "$standin/locales"
{
  printf '#!/bin/sh\necho "stand-in Electron from scripts/check-dist.sh: it cannot run the app" >&2\nexit 1\n'
  printf 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX\001\010'
  printf '10110001'
} > "$standin/electron"
chmod +x "$standin/electron"
touch "$standin/LICENSE" "$standin/LICENSES.chromium.html"

# 2c. The unpacked build.
say "building an unpacked app (stand-in Electron) in $out"
if ! (cd "$stage" && ./node_modules/.bin/electron-builder --dir --linux --x64 \
      -c.electronDist="$standin" -c.npmRebuild=false --publish never \
      -c.directories.output="$out" >"$tmp/builder.log" 2>&1); then
  cat "$tmp/builder.log" >&2
  fail "electron-builder --dir failed."
fi
grep -E "cannot find path|⨯" "$tmp/builder.log" >&2 || true

# 3. What landed where.
app_dir="$out/linux-unpacked"
node - "$app_dir" <<'JS' || fail "the unpacked app is not as it should be (see above)."
const fs = require('fs');
const path = require('path');
const asar = require('@electron/asar');
const { getCurrentFuseWire, FuseV1Options } = require('@electron/fuses');

const appDir = process.argv[2];
const resources = path.join(appDir, 'resources');
const archive = path.join(resources, 'app.asar');
const unpacked = path.join(resources, 'app.asar.unpacked');
const problems = [];
const check = (ok, message) => { if (!ok) problems.push(message); else console.log(`check-dist:   ok  ${message}`); };

(async () => {
  check(fs.existsSync(path.join(appDir, 'consistent-character-studio')), 'executable consistent-character-studio');
  check(fs.existsSync(archive), 'resources/app.asar exists');
  const files = asar.listPackage(archive, { isPack: false }).map((f) => f.split(path.sep).join('/'));
  const has = (f) => files.includes(f);
  for (const f of ['/dist/main/main.cjs', '/dist/main/preload.cjs', '/dist/renderer/index.html', '/package.json']) {
    check(has(f), `app.asar contains ${f}`);
  }
  const packed = files.filter((f) => !asar.statFile(archive, f.slice(1), false).unpacked);
  const leaks = packed.filter((f) => /^\/(src|test|main|renderer|scripts|\.ci)\//.test(f) || /\.map$/.test(f) || f.startsWith('/dist/host/'));
  check(leaks.length === 0, `app.asar has no sources, tests, source maps or browser host${leaks.length ? ': ' + leaks.slice(0, 5).join(', ') : ''}`);

  const find = (dir, test) => {
    const out = [];
    if (!fs.existsSync(dir)) return out;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
      if (entry.isFile() && test(entry.name)) out.push(path.join(entry.parentPath, entry.name));
    }
    return out;
  };
  const keytarNode = path.join(unpacked, 'node_modules', 'keytar', 'build', 'Release', 'keytar.node');
  check(fs.existsSync(keytarNode), 'keytar.node is in app.asar.unpacked');
  const sqliteNode = path.join(unpacked, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  check(fs.existsSync(sqliteNode), 'better_sqlite3.node (the results index) is in app.asar.unpacked');
  const sharpBinding = find(path.join(unpacked, 'node_modules', '@img'), (n) => /^sharp-.*\.node$/.test(n));
  check(sharpBinding.length > 0, `sharp's binding is in app.asar.unpacked (${sharpBinding.map((f) => path.relative(resources, f)).join(', ')})`);
  const libvips = find(path.join(unpacked, 'node_modules', '@img'), (n) => /^libvips(-cpp)?\.(so|dylib|dll)/.test(n) || /^libvips.*\.(so|dylib|dll)/.test(n));
  check(libvips.length > 0, `sharp's libvips is in app.asar.unpacked (${libvips.map((f) => path.relative(resources, f)).join(', ')})`);
  const nativeInside = packed.filter((f) => /\.(node|so(\.\d+)*|dylib|dll)$/.test(f));
  check(nativeInside.length === 0, `no native library is packed inside app.asar${nativeInside.length ? ': ' + nativeInside.join(', ') : ''}`);
  check(has('/node_modules/sharp/package.json') && has('/node_modules/keytar/package.json') && has('/node_modules/better-sqlite3/package.json'), 'keytar, sharp and better-sqlite3 are production dependencies of the app');
  check(!files.some((f) => f.startsWith('/node_modules/electron/')), 'electron itself is not packaged as a dependency');

  const wire = await getCurrentFuseWire(path.join(appDir, 'consistent-character-studio'));
  const fuse = (option) => String.fromCharCode(wire[option]);
  check(fuse(FuseV1Options.RunAsNode) === '0', 'fuse RunAsNode is off');
  check(fuse(FuseV1Options.EnableNodeOptionsEnvironmentVariable) === '0', 'fuse NODE_OPTIONS is off');
  check(fuse(FuseV1Options.EnableNodeCliInspectArguments) === '0', 'fuse --inspect is off');
  check(fuse(FuseV1Options.OnlyLoadAppFromAsar) === '1', 'fuse OnlyLoadAppFromAsar is on');
  check(fuse(FuseV1Options.EnableCookieEncryption) === '1', 'fuse cookie encryption is on');
  check(fuse(FuseV1Options.GrantFileProtocolExtraPrivileges) === '0', 'fuse file:// extra privileges is off');

  if (problems.length) {
    for (const p of problems) console.error(`check-dist:   FAIL ${p}`);
    process.exit(1);
  }
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
JS
say "the unpacked build is as it should be"
