#!/usr/bin/env bash
# Fresh install (issues 7 and 15): clone this repository into an EMPTY temp folder (so
# node_modules, dist and ./data are absent) and run the README's "Two commands" exactly as written:
#   1. `npm ci && npm start` — must install without engine warnings (EBADENGINE) on this Node,
#      build, start the embedded database and answer GET /healthz 200; then SIGTERM: the app must
#      exit 0 and leave no database process behind;
#   then the README's first ten minutes, as a newcomer does them:
#      `npm run seed` loads the demo (its last line says what to open next), `npm start`, the first
#      admin is created on the setup page and finds the demo campaign on their list; the admin
#      creates a lead on /admin/users, and the lead finds the demo campaign on their list too;
#   2. `npm test`            — must pass.
# The commands are read from the README's "## Two commands" code block, not copied here, so the
# script tests what a newcomer reads. Only the environment is ours: PORT (a free port, so a busy
# :3000 on a shared machine does not matter) and nothing else.
#
#   bench/fresh-install.sh [--skip-test] [--ref <commit>]
#
# --skip-test: run the first command only. .ci/run does NOT use it: CI runs the README's test
# command inside the fresh clone as well (see README "Reliability").
# --ref: check out that commit in the clone instead of HEAD (e.g. to bisect a broken install).
# Env: FRESH_INSTALL_KEEP=1 keeps the temp folder; FRESH_INSTALL_START_TIMEOUT (seconds, default
# 900: `npm ci` + the TypeScript build + the first start).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
skip_test=0
ref=""
while [ $# -gt 0 ]; do
  case "$1" in
    --skip-test) skip_test=1 ;;
    --ref) ref="$2"; shift ;;
    *) echo "usage: $0 [--skip-test] [--ref <commit>]" >&2; exit 2 ;;
  esac
  shift
done
start_timeout="${FRESH_INSTALL_START_TIMEOUT:-900}"

# --- an empty folder, a clone of the committed tree --------------------------------------------
tmp="$(mktemp -d "${TMPDIR:-/tmp}/wv-fresh-install-XXXXXX")"
[ -z "$(ls -A "$tmp")" ] || { echo "fresh-install: $tmp is not empty" >&2; exit 2; }
app_pid=""
cleanup() {
  if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then kill -KILL -- "-$app_pid" 2>/dev/null || true; fi
  if [ "${FRESH_INSTALL_KEEP:-0}" = 1 ]; then echo "== kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

# The tests read the shared development data from `../shared/data` (DESIGN.md); give the clone
# the same neighbour as this checkout has, if it has one.
if [ -d "$repo/../shared" ]; then ln -s "$(cd "$repo/../shared" && pwd)" "$tmp/shared"; fi
git clone --quiet --no-hardlinks "$repo" "$tmp/wv"
cd "$tmp/wv"
[ -z "$ref" ] || git checkout --quiet --detach "$ref"
echo "== cloned $(git rev-parse --short HEAD) into $tmp/wv"
# --- the README's two commands (of the cloned commit) ----------------------------------------

block="$(awk '/^## Two commands/{s=1} s&&/^```bash/{b=1;next} b&&/^```/{exit} b{print}' README.md)"
start_cmd="$(printf '%s\n' "$block" | sed -n 1p | sed 's/[[:space:]]*#.*$//')"
test_cmd="$(printf '%s\n' "$block" | sed -n 2p | sed 's/[[:space:]]*#.*$//')"
if [ -z "$start_cmd" ] || [ -z "$test_cmd" ]; then
  echo "fresh-install: could not read the two commands from README.md (## Two commands, a \`\`\`bash block)" >&2
  exit 2
fi
echo "== README command 1: $start_cmd"
echo "== README command 2: $test_cmd"

# ./data holds the project's training corpora (committed) and, beside them, the embedded database.
for absent in node_modules dist data/ferretdb data/mongod data/session-secret; do
  [ ! -e "$absent" ] || { echo "fresh-install: $absent exists in the fresh clone" >&2; exit 2; }
done

port="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
export PORT="$port"

# --- command 1: install + start; wait for /healthz 200 ------------------------------------------
t0=$(date +%s)
# Own process group (setsid), so the whole tree (npm → sh → node) can be signalled at once.
setsid bash -c "$start_cmd" >"$tmp/start.log" 2>&1 &
app_pid=$!
healthy=0
while [ $(( $(date +%s) - t0 )) -lt "$start_timeout" ]; do
  if ! kill -0 "$app_pid" 2>/dev/null; then
    echo "fresh-install: '$start_cmd' exited before /healthz answered:" >&2
    tail -40 "$tmp/start.log" >&2
    exit 1
  fi
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz" || true)" = 200 ]; then
    healthy=1
    break
  fi
  sleep 1
done
if [ "$healthy" != 1 ]; then
  echo "fresh-install: /healthz not 200 within ${start_timeout} s" >&2
  tail -40 "$tmp/start.log" >&2
  exit 1
fi
echo "== '$start_cmd': /healthz 200 on :$port after $(( $(date +%s) - t0 )) s"
[ -d data/ferretdb ] || [ -d data/mongod ] || { echo "fresh-install: the embedded database did not create its files under ./data" >&2; exit 1; }

# SIGTERM to the whole process group (npm, sh, node), as Ctrl-C or `kill -- -<pgid>` would;
# the app must drain, stop its database and exit within its shutdown deadline.
kill -TERM -- "-$app_pid"
wait "$app_pid" || true
for _ in $(seq 1 30); do
  pgrep -g "$app_pid" >/dev/null || break
  sleep 1
done
if pgrep -g "$app_pid" >/dev/null; then
  echo "fresh-install: processes of '$start_cmd' still running 30 s after SIGTERM:" >&2
  pgrep -ag "$app_pid" >&2
  exit 1
fi
app_pid=""
if ! grep -q '"msg":"stopped"' "$tmp/start.log"; then
  echo "fresh-install: the app did not log a clean stop:" >&2
  tail -20 "$tmp/start.log" >&2
  exit 1
fi
if pgrep -f "sqlite-url=file:$tmp/wv/data" >/dev/null; then
  echo "fresh-install: a database process is still running after the app stopped:" >&2
  pgrep -af "sqlite-url=file:$tmp/wv/data" >&2
  exit 1
fi
echo "== stopped cleanly (SIGTERM), no database process left"

# No engine warnings from `npm ci` on this Node (the README promises Node 20.19+).
if grep -q 'EBADENGINE' "$tmp/start.log"; then
  echo "fresh-install: npm ci warned about engines:" >&2
  grep -B1 -A3 'EBADENGINE' "$tmp/start.log" >&2
  exit 1
fi
echo "== npm ci: no engine warnings on node $(node --version)"

# --- the first ten minutes (README): demo data, first admin, a lead -----------------------------
grep -q 'npm run seed' README.md || { echo "fresh-install: README.md does not mention npm run seed" >&2; exit 1; }
grep -q '/admin/users' README.md || { echo "fresh-install: README.md does not say where leads are created (/admin/users)" >&2; exit 1; }
npm run seed >"$tmp/seed.log" 2>&1 || { echo "fresh-install: npm run seed failed:" >&2; cat "$tmp/seed.log" >&2; exit 1; }
seed_last="$(grep -v '^\s*$' "$tmp/seed.log" | tail -1)"
case "$seed_last" in
  Next:*"/lead"*) echo "== npm run seed: $seed_last" ;;
  *) echo "fresh-install: the seed's last line does not say what to open next: $seed_last" >&2; exit 1 ;;
esac

setsid bash -c "npm start" >"$tmp/start2.log" 2>&1 &
app_pid=$!
t2=$(date +%s)
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz" || true)" = 200 ]; do
  if ! kill -0 "$app_pid" 2>/dev/null || [ $(( $(date +%s) - t2 )) -gt 120 ]; then
    echo "fresh-install: the second npm start did not answer /healthz:" >&2
    tail -40 "$tmp/start2.log" >&2
    exit 1
  fi
  sleep 1
done
url="http://127.0.0.1:$port"
csrf_of() { grep -o 'name="_csrf" value="[^"]*"' "$1" | head -1 | sed 's/.*value="\([^"]*\)"/\1/'; }
status_of() { curl -s -o "$2" -w '%{http_code}' -b "$1" -c "$1" "${@:3}"; }
admin_jar="$tmp/admin.cookies"; lead_jar="$tmp/lead.cookies"; page="$tmp/page.html"
: >"$admin_jar"; : >"$lead_jar"

# The first admin, through the setup page (where /lead sends a newcomer while no account exists).
[ "$(status_of "$admin_jar" "$page" -L "$url/lead")" = 200 ] && grep -q 'action="/setup"' "$page" \
  || { echo "fresh-install: /lead did not lead to the setup page" >&2; exit 1; }
[ "$(status_of "$admin_jar" "$page" -X POST "$url/setup" --data-urlencode "_csrf=$(csrf_of "$page")" \
    --data-urlencode 'email=admin@example.com' --data-urlencode 'password=fresh install admin passphrase')" = 303 ] \
  || { echo "fresh-install: creating the first admin on /setup failed" >&2; cat "$page" >&2; exit 1; }
[ "$(status_of "$admin_jar" "$page" "$url/lead")" = 200 ] && grep -q 'Nordlicht Logistik' "$page" \
  || { echo "fresh-install: the demo campaign is not on the first admin's list" >&2; exit 1; }
echo "== first admin created on /setup; the demo campaign is on their list"

# A lead, created by the admin on /admin/users (README), finds the demo on their list.
status_of "$admin_jar" "$page" "$url/admin/users" >/dev/null
[ "$(status_of "$admin_jar" "$page" -X POST "$url/admin/users" --data-urlencode "_csrf=$(csrf_of "$page")" \
    --data-urlencode 'email=lead@example.com' --data-urlencode 'name=Lea Lead' --data-urlencode 'role=lead' \
    --data-urlencode 'password=fresh install lead passphrase')" = 303 ] \
  || { echo "fresh-install: creating a lead on /admin/users failed" >&2; cat "$page" >&2; exit 1; }
status_of "$lead_jar" "$page" "$url/login" >/dev/null
[ "$(status_of "$lead_jar" "$page" -X POST "$url/login" --data-urlencode "_csrf=$(csrf_of "$page")" \
    --data-urlencode 'email=lead@example.com' --data-urlencode 'password=fresh install lead passphrase')" = 303 ] \
  || { echo "fresh-install: the new lead could not sign in" >&2; exit 1; }
[ "$(status_of "$lead_jar" "$page" "$url/lead")" = 200 ] && grep -q 'Nordlicht Logistik' "$page" \
  || { echo "fresh-install: the demo campaign is not on the new lead's list" >&2; exit 1; }
echo "== a lead created on /admin/users finds the demo campaign on their list"

kill -TERM -- "-$app_pid"
wait "$app_pid" || true
for _ in $(seq 1 30); do pgrep -g "$app_pid" >/dev/null || break; sleep 1; done
if pgrep -g "$app_pid" >/dev/null; then echo "fresh-install: the second start did not stop" >&2; exit 1; fi
app_pid=""

# --- command 2: the tests ------------------------------------------------------------------------
if [ "$skip_test" = 1 ]; then
  echo "== '$test_cmd' skipped (--skip-test)"
else
  t1=$(date +%s)
  bash -c "$test_cmd"
  echo "== '$test_cmd' passed in $(( $(date +%s) - t1 )) s"
fi
echo "== fresh install OK in $(( $(date +%s) - t0 )) s"
