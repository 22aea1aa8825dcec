"""What the browser tests share: the two window sizes every reading flow is tried at, and
screenshots kept for a look when SCREENSHOT_DIR is set (`SCREENSHOT_DIR=/tmp/shots pytest -m browser`)."""

import os

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def shoot(page, name: str) -> None:
    """Keep a picture of the window as it is now, as SCREENSHOT_DIR/<name>.png (if set)."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=False)
