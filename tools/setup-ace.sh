#!/bin/sh
# DAISY Ace, the EPUB accessibility checker the EPUB tests run (tests/test_epub.py::test_ace_*):
# Debian's chromium (Ace drives it through puppeteer) and @daisy/ace-cli 1.4.6 in tools/ace/.
# Idempotent; run as root (apt) or with sudo available. tools/ace/ is git-ignored.
set -eu
here=$(cd "$(dirname "$0")" && pwd)

if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    # waits for another install holding the dpkg lock; a fresh machine has no package lists yet
    apt="$sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300"
    $apt install -y --no-install-recommends chromium ||
        { $apt update -qq && $apt install -y --no-install-recommends chromium; }
fi

if [ ! -x "$here/ace/node_modules/.bin/ace-cli" ]; then
    mkdir -p "$here/ace"
    cd "$here/ace"
    [ -f package.json ] || echo '{"private": true}' > package.json
    PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-audit --no-fund @daisy/ace-cli@1.4.6
fi

echo "ace: $here/ace/node_modules/.bin/ace-cli (chromium: $(command -v chromium))"
