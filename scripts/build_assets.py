"""Build the front-end assets the portal serves itself (police networks often have no internet).

Compiles our Sass build of GOV.UK Frontend (Arial, no GDS Transport) and copies the vendored scripts
from node_modules into static_build/, which Django's staticfiles finds and whitenoise serves.
"""

import re
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
# The last `sourceMappingURL` comment of a script (`//# ...`) or stylesheet (`/*# ... */`).
SOURCE_MAP_URL = re.compile(r"[/*]# sourceMappingURL=([^\s*]+)")


def copy_with_source_map(source: Path, target: Path) -> None:
    """Copy a vendored file byte for byte, with the source map its last line names.

    Production's manifest storage rewrites every `sourceMappingURL` to the map's hashed name, and
    `collectstatic` stops (MissingFileError) if the map is absent. We ship the map rather than strip the
    comment: the file stays identical to the published package (checkable against it, no edit to redo on
    each upgrade), the storage fingerprints the map like any asset, and a browser only fetches it when
    someone opens the developer tools.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    found = SOURCE_MAP_URL.findall(source.read_text(encoding="utf-8")[-500:])
    if found and not found[-1].startswith("data:"):
        shutil.copyfile(source.parent / found[-1], target.parent / found[-1])


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
        copy_with_source_map(source, target)
    images = NODE / "govuk-frontend/dist/govuk/assets/images"
    shutil.copytree(images, OUT / "govuk/assets/images", dirs_exist_ok=True)
    css = (OUT / "css/portal.css").read_text()
    if "GDS Transport" in css:
        raise SystemExit("the compiled stylesheet still names GDS Transport")


if __name__ == "__main__":
    main()
