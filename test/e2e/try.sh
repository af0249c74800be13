#!/usr/bin/env bash
# npm run try [-- <folder>]: VS Code in your browser with the packaged extension installed, on
# examples/ (or <folder>). Serves code-server on 127.0.0.1:${PORT:-8080} until Ctrl+C.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# A folder argument is taken relative to where `npm run` was called from (npm moves to the root).
folder=$(cd "${INIT_CWD:-$PWD}" && realpath "${1:-$root/examples}")
cd "$root"
source test/e2e/process-groups.sh

bash test/e2e/install.sh
# vsce lists every packaged file; that list is shown only when packaging fails.
npm run --silent package > "$E2E_TMP/package.log" 2>&1 || { cat "$E2E_TMP/package.log"; exit 1; }
npx tsc -b
in_group node out/test/e2e/try.js "$folder"
