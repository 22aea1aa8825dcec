"""What the browser tests share: the two window sizes every reading flow is tried at,
screenshots kept for a look when SCREENSHOT_DIR is set (`SCREENSHOT_DIR=/tmp/shots pytest -m browser`),
and selecting words of a paragraph as a reader's drag would."""

import os

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def shoot(page, name: str) -> None:
    """Keep a picture of the window as it is now, as SCREENSHOT_DIR/<name>.png (if set)."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=False)


def select_in_paragraph(page, anchor, words):
    """Select `words` inside the paragraph's text, as a drag with the mouse would."""
    page.evaluate(
        """([anchor, words]) => {
            const container = document.getElementById(`t-${anchor}`);
            const text = container.textContent;
            const start = text.indexOf(words), end = start + words.length;
            const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
            let seen = 0, range = document.createRange(), node;
            while ((node = walker.nextNode())) {
                const length = node.textContent.length;
                if (seen <= start && start < seen + length) range.setStart(node, start - seen);
                if (seen < end && end <= seen + length) range.setEnd(node, end - seen);
                seen += length;
            }
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }""",
        [anchor, words],
    )
