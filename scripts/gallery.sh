#!/usr/bin/env bash
# The README's gallery, regenerated from the browser tests' screenshots: the accessibility
# walk saves every screen (FR/EN, 1366 px and tablet) when SCREENSHOTS names a folder.
set -euo pipefail
out=test-artifacts/screens
rm -rf "$out"
SCREENSHOTS=$out .venv/bin/pytest -q tests/web/test_browser_a11y.py -k "any_screen"
for name in relance-des-factures apercu resume fiche-client tableau-de-bord procedure accueil; do
  cp "$out/fr/$name-1366.png" "docs/screenshots/$name.png"
done
echo "docs/screenshots/ updated from $out/"
