#!/usr/bin/env bash
# npm run test:e2e: the two outer test layers, against a real VS Code (code-server shown in Chromium).
#   1. install.sh        the pinned tools, once per machine
#   2. npm run package   dist/ and istio-egress.vsix; tsc -b compiles the tests to out/
#   3. the extension-host suite (test/extension/suite) inside code-server's extension host
#   4. the UI suite (test/e2e/*.test.ts) against the packaged .vsix, with screenshots in test/e2e/screenshots/
# It ends every process it started, by process group, and exits non-zero if any test failed.
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/e2e/process-groups.sh

bash test/e2e/install.sh
# vsce lists every packaged file; that list is shown only when packaging fails.
npm run --silent package > "$E2E_TMP/package.log" 2>&1 || { cat "$E2E_TMP/package.log"; exit 1; }
echo "packaged istio-egress.vsix"
npx tsc -b

export ISTIO_EGRESS_E2E_RESULTS=$E2E_TMP/results
touch "$ISTIO_EGRESS_E2E_RESULTS"
failed=0

echo; echo '== extension-host suite (code-server)'
start=$SECONDS
in_group node out/test/e2e/run-extension-tests.js || failed=1
ext_time=$((SECONDS - start))
read -r _ ext_pass ext_fail ext_names < <(grep '^extension-host ' "$ISTIO_EGRESS_E2E_RESULTS" || echo 'extension-host 0 1 : the suite did not report')

echo; echo '== UI suite (code-server in Chromium, packaged .vsix)'
start=$SECONDS
rm -rf test/e2e/screenshots # no stale *-failed.png from an earlier run
tap=$E2E_TMP/ui.tap
in_group node --test --test-concurrency=1 \
  --test-reporter=spec --test-reporter-destination=stdout --test-reporter=tap --test-reporter-destination="$tap" \
  out/test/e2e/*.test.js || failed=1
ui_time=$((SECONDS - start))
ui_pass=$(sed -n 's/^# pass //p' "$tap" 2>/dev/null | tail -1)
ui_fail=$(sed -n 's/^# fail //p' "$tap" 2>/dev/null | tail -1)
ui_pass=${ui_pass:-0}
ui_fail=${ui_fail:-0}
# The failed tests by name (TAP's "not ok N - name"), leaving out the file-level entry.
ui_names=$({ sed -n 's/^ *not ok [0-9]* - //p' "$tap" 2>/dev/null || true; } | { grep -v '\.test\.js$' || true; } | paste -sd ';' - | sed 's/;/; /g')
[ -z "$ui_names" ] || ui_names=": $ui_names"
if [ "$failed" != 0 ] && [ $((ext_fail + ui_fail)) = 0 ]; then # a crash that no test reported
  ui_fail=1
  ui_names=": the UI suite ended without reporting a failed test"
fi

echo
echo "total: ${SECONDS} s"
echo "extension-host suite: $ext_pass passed, $ext_fail failed (${ext_time} s)${ext_names}"
echo "UI suite: $ui_pass passed, $ui_fail failed (${ui_time} s)${ui_names}"
[ $((ext_fail + ui_fail)) = 0 ] || echo "screenshots of failed UI tests: test/e2e/screenshots/*-failed.png"
echo "$((ext_pass + ui_pass)) passed, $((ext_fail + ui_fail)) failed"
[ "$failed" = 0 ]
