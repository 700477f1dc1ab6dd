#!/usr/bin/env bash
# The README's gallery, regenerated from the browser tests' screenshots of the demo a new
# user loads (tests/web/test_browser_gallery.py: the collector's morning and the customer
# portal at a laptop's and a phone's width; SCREENSHOTS names the folder), then reduced to
# 256-colour PNGs (text and flat colours: no visible loss, about a third of the size).
# The accessibility walk (tests/web/test_browser_a11y.py) saves every screen, FR/EN, 1366 px
# and tablet, with the same variable: `SCREENSHOTS=DIR .venv/bin/pytest tests/web/test_browser_a11y.py`.
set -euo pipefail
out=test-artifacts/gallery
rm -rf "$out"
SCREENSHOTS=$out .venv/bin/pytest -q -p no:xdist tests/web/test_browser_gallery.py
rm -f docs/screenshots/*.png
for name in relance-des-factures apercu resume fiche-client tableau-de-bord procedure accueil portail; do
  cp "$out/fr/$name-1366.png" "docs/screenshots/$name.png"
done
cp "$out/fr/portail-390.png" docs/screenshots/portail-telephone.png
.venv/bin/python - <<'PY'
from pathlib import Path

from PIL import Image

total = 0
for path in sorted(Path("docs/screenshots").glob("*.png")):
    image = Image.open(path).convert("RGB")
    image.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        path, optimize=True
    )
    total += path.stat().st_size
    print(f"{path}: {image.width}x{image.height}, {path.stat().st_size // 1024} KiB")
print(f"docs/screenshots/: {total // 1024} KiB in all")
PY
echo "docs/screenshots/ updated from $out/"
