#!/bin/sh
# What the slow tier tests/test_stylesheets.py needs to run the TEI Consortium's Stylesheets
# (../shared/tei/stylesheets, see its PROVENANCE.md) over the seed's TEI and read the results back:
# Apache Ant and Saxon HE (Debian's ant, libsaxonhe-java: the stylesheets' bin/teito* scripts) and
# LibreOffice without a GUI (libreoffice-writer-nogui: `soffice --headless --convert-to txt` reads
# their ODT back). Java comes with ant's dependencies. Everything from Debian; the stylesheets
# themselves are not fetched, they come from ../shared.
# Idempotent; run as root (apt) or with sudo available.
set -eu
here=$(cd "$(dirname "$0")" && pwd)

missing=""
command -v ant >/dev/null 2>&1 || missing="$missing ant"
[ -f /usr/share/java/Saxon-HE.jar ] || missing="$missing libsaxonhe-java"
command -v soffice >/dev/null 2>&1 || missing="$missing libreoffice-writer-nogui"
command -v java >/dev/null 2>&1 || missing="$missing default-jre-headless"

if [ -n "$missing" ]; then
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    apt="$sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300"
    # a fresh machine has no package lists yet
    # shellcheck disable=SC2086
    $apt install -y --no-install-recommends $missing ||
        { $apt update -qq && $apt install -y --no-install-recommends $missing; }
fi

stylesheets="$here/../../shared/tei/stylesheets"
if [ ! -f "$stylesheets/bin/teitoodt" ]; then  # stored without its exec bit (and as a plain file, not a link)
    echo "setup-stylesheets: $stylesheets/bin/teitoodt not found (the TEI Stylesheets come from ../shared)" >&2
    exit 1
fi
echo "stylesheets: $(cd "$stylesheets" && pwd) (ant: $(command -v ant), saxon: /usr/share/java/Saxon-HE.jar, soffice: $(command -v soffice))"
