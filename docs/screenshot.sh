#!/usr/bin/env bash
# Regenerates docs/report.png, the picture of the HTML case report in the
# README: builds extriage, writes the report of the demo bundle with a fixed
# generation time, and has headless Chromium take the screenshot.
#
#   docs/screenshot.sh                  # 1280x1800, English
#   WIDTH=390 HEIGHT=1600 OUT=docs/report-phone.png docs/screenshot.sh
#   LANG_REPORT=pl OUT=docs/report-pl.png docs/screenshot.sh
#
# Needs Go and Chromium (Debian: apt-get install chromium). The demo
# bundle is only read; everything else happens in a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."

bundle=fixtures/bundles/ex2003-cluster-sp2-failure
out=${OUT:-docs/report.png}
width=${WIDTH:-1280}
height=${HEIGHT:-1800}
lang=${LANG_REPORT:-en}

browser=""
for b in chromium chromium-browser google-chrome-stable google-chrome; do
  if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
if [ -z "$browser" ]; then
  echo "screenshot.sh: no chromium found (Debian: apt-get install chromium)" >&2
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

version=$(git describe --tags --always 2>/dev/null || echo dev)
go build -trimpath -ldflags "-X main.version=$version" -o "$tmp/extriage" ./cmd/extriage

# extriage exits 1 when it finds errors (the demo's point): only 2 is fatal.
status=0
"$tmp/extriage" report --lang "$lang" --timestamp 2006-03-15T08:00:00Z \
  -o "$tmp/case.html" "$bundle" 2>"$tmp/warnings.txt" || status=$?
if [ "$status" -gt 1 ]; then
  cat "$tmp/warnings.txt" >&2
  exit "$status"
fi

"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --no-first-run --no-default-browser-check --user-data-dir="$tmp/profile" \
  --window-size="$width,$height" --screenshot="$tmp/shot.png" \
  "file://$tmp/case.html" >/dev/null 2>"$tmp/browser.log" || {
  cat "$tmp/browser.log" >&2
  exit 1
}
mkdir -p "$(dirname "$out")"
cp "$tmp/shot.png" "$out"
echo "wrote $out ($width x $height) from the report of $bundle"
