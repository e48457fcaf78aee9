#!/bin/sh
# Source Serif 4 (Adobe, version 4.005, SIL Open Font License 1.1), the one type family of the print
# edition, the EPUB and its cover: the npm package source-serif, pinned, its tarball checked against
# the sha256 recorded here, and only the faces the edition sets (edition/render/fonts.py FACES)
# copied into tools/fonts/ with the licence. Idempotent; tools/fonts/ is git-ignored, the fonts are
# never committed. Run as root (apt, when npm is missing) or with sudo available.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dest="$here/fonts"

PACKAGE=source-serif@4.5.1
SHA256=19a448df98f4aa777de3452b0a1e29aa7ffe29252fe552c8a2d2531702d80746
# keep in step with edition/render/fonts.py FACES (tests/test_fonts.py compares them)
FACES="SourceSerif4-Regular SourceSerif4-It SourceSerif4-Semibold SourceSerif4-Bold SourceSerif4-BoldIt"

stamp="$dest/.installed"
want="$PACKAGE $SHA256 $FACES"
installed() {
    [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] || return 1
    for face in $FACES; do [ -f "$dest/$face.ttf" ] || return 1; done
}

if ! installed; then
    if ! command -v npm >/dev/null 2>&1; then  # Debian's npm, as for DAISY Ace
        if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
        apt="$sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300"
        $apt install -y --no-install-recommends npm ||
            { $apt update -qq && $apt install -y --no-install-recommends npm; }
    fi
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    # npm checks the tarball against the registry's integrity hash; the sha256 pins it to the one
    # this script was written for, whatever the registry says
    tarball=$(cd "$tmp" && npm pack --silent --no-fund --no-audit "$PACKAGE" | tail -n 1)
    echo "$SHA256  $tmp/$tarball" | sha256sum -c --quiet - ||
        { echo "setup-fonts: $PACKAGE is not the tarball this script pins (sha256 $SHA256)" >&2; exit 1; }
    members="package/LICENSE.md"
    for face in $FACES; do members="$members package/TTF/$face.ttf"; done
    # shellcheck disable=SC2086  # the member list is split on purpose
    tar -xzf "$tmp/$tarball" -C "$tmp" $members
    mkdir -p "$dest"
    rm -f "$stamp" "$dest"/*.ttf
    for face in $FACES; do cp "$tmp/package/TTF/$face.ttf" "$dest/"; done
    cp "$tmp/package/LICENSE.md" "$dest/LICENSE.md"
    echo "$want" > "$stamp"
fi
touch "$stamp"  # newer than this script: make need not run it again
echo "fonts: $dest ($PACKAGE: $FACES)"
