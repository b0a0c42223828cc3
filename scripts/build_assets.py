"""Build the front-end assets the portal serves itself (police networks often have no internet).

Compiles our Sass build of GOV.UK Frontend (Arial, no GDS Transport) and copies the vendored scripts
from node_modules into static_build/, which Django's staticfiles finds and whitenoise serves.
"""

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
OUT = ROOT / "static_build"

COPIES = {
    NODE / "govuk-frontend/dist/govuk/govuk-frontend.min.js": OUT / "govuk/govuk-frontend.min.js",
    NODE / "chart.js/dist/chart.umd.min.js": OUT / "chartjs/chart.umd.min.js",
}


def main() -> None:
    OUT.mkdir(exist_ok=True)
    (OUT / "css").mkdir(exist_ok=True)
    subprocess.run(
        [
            str(NODE / ".bin/sass"),
            "--quiet",
            "--no-source-map",
            "--style=compressed",
            f"--load-path={NODE}",
            str(ROOT / "assets/portal.scss"),
            str(OUT / "css/portal.css"),
        ],
        check=True,
    )
    for source, target in COPIES.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    images = NODE / "govuk-frontend/dist/govuk/assets/images"
    shutil.copytree(images, OUT / "govuk/assets/images", dirs_exist_ok=True)
    css = (OUT / "css/portal.css").read_text()
    if "GDS Transport" in css:
        raise SystemExit("the compiled stylesheet still names GDS Transport")


if __name__ == "__main__":
    main()
