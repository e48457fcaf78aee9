#!/bin/sh
# calibre's ebook-convert, which the slow tier tests/test_kindle.py runs to convert the EPUB to AZW3
# (Kindle) and back, to see that every link survives. Debian's calibre, without its recommends.
# Idempotent; run as root (apt) or with sudo available.
set -eu
if ! command -v ebook-convert >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    apt="$sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300"
    # a fresh machine has no package lists yet
    $apt install -y --no-install-recommends calibre ||
        { $apt update -qq && $apt install -y --no-install-recommends calibre; }
fi
echo "calibre: $(command -v ebook-convert)"
