#!/usr/bin/env bash
# Installs what Manifold needs: the peer tools and the registry (Debian packages), npm dependencies, and the VS Code
# host for the extension tests and `npm start`.
# Idempotent: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
need=()
for pair in skopeo:skopeo umoci:umoci oci-image-tool:oci-image-tool buildah:buildah docker-registry:docker-registry htpasswd:apache2-utils openssl:openssl; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair##*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# The registry package starts a system service on install; tests start their own on a free port.
if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl stop docker-registry >/dev/null 2>&1 || true; fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
# The VS Code host (Node 24, code-server, chromium) that `npm test` and `npm start` use: installed here, in a plain
# shell, so the README's commands need no other step. Instant when already there.
bash scripts/vscode-host/setup.sh
