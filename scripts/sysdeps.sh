#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Relance needs, only those missing.
#   sysdeps.sh runtime   venv + WeasyPrint's Pango (+ HarfBuzz font subsetting) + fonts + gettext
#   sysdeps.sh test      the above + chromium for browser tests + Dovecot (a real IMAP
#                        server the inbox tests start on a loopback port) + poppler-utils
set -euo pipefail
# libharfbuzz-subset0: WeasyPrint subsets the PDF's fonts with it (fontTools otherwise: slower).
pkgs=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext)
# pdftoppm (poppler-utils): tests read printed QR codes
[ "${1:-runtime}" = test ] && pkgs+=(chromium dovecot-imapd poppler-utils)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
# python3-venv is only needed when the interpreter cannot make a venv by itself.
if python3 -c "import ensurepip" 2>/dev/null; then
  missing=("${missing[@]/python3-venv}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing system packages: ${missing[*]}"
sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
