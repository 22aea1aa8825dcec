"""Targets of at least 24×24 CSS px (or spaced as WCAG 2.5.8 allows), and focus always visible.

Target size is measured on the rendered page, desktop and phone: every visible control is
either 24×24 or bigger, or a 24 px circle on its centre touches no other target and no other
small target's circle (the "spacing" exception). Links inside a sentence are exempt ("inline"),
as WCAG says. Focus is checked the way a keyboard user meets it: Tab from the top of the page
to the end, and at every stop the focused element must show an outline or a ring (box-shadow)
and must not be hidden behind the sticky header or anything else (WCAG 2.4.7 and 2.4.11).
"""

import pytest

from tests.a11y_support import READER, build_scene, signed_in_urls, signed_out_urls

pytestmark = pytest.mark.browser

# WCAG 2.5.8's "essential" exception, as for pins on a map: in the reading page's heat strip and
# the dashboard's heat map each cell's place *is* the information (where in the paper notes
# cluster), so cells cannot grow to 24 px without losing it. Both are also keyboard widgets, and
# every paragraph they lead to is reachable from the contents and with j/k.
ESSENTIAL = ".heat-strip .heat-link, svg.chart a"

# Visible, clickable things: what a finger or a pointer has to hit.
TARGETS_JS = """essential => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], '
    + '[role=link], [role=tab], [role=checkbox], [tabindex]:not([tabindex="-1"])';
  const shown = (el) => {
    const style = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1 && style.visibility !== 'hidden' && !el.closest('[inert]')
      && el.checkVisibility({opacityProperty: true, visibilityProperty: true});
  };
  const all = [...document.querySelectorAll(selector)].filter(shown)
    // A control inside another (an icon link in a button) is one target with it.
    .filter((el) => !el.parentElement.closest(selector) || !shown(el.parentElement.closest(selector)));
  const blockOf = (el) => {
    let node = el.parentElement;
    while (node && getComputedStyle(node).display.startsWith('inline')) node = node.parentElement;
    return node;
  };
  // WCAG's inline exception: a link set in a line of text, sized by the text around it.
  const inline = (el) => {
    if (!getComputedStyle(el).display.startsWith('inline') || el.matches('button, input, select, textarea')) return false;
    const block = blockOf(el);
    const own = el.textContent.trim().length;
    return block && block.textContent.replace(/\\s+/g, ' ').trim().length > own + 2;
  };
  const rectOf = (el) => {
    let r = el.getBoundingClientRect();
    let box = {left: r.left, top: r.top + scrollY, right: r.right, bottom: r.bottom + scrollY};
    // A checkbox or radio is hit through its label as well.
    if (el.labels && el.matches('[type=checkbox], [type=radio]')) {
      for (const label of el.labels) {
        const l = label.getBoundingClientRect();
        box = {left: Math.min(box.left, l.left), top: Math.min(box.top, l.top + scrollY),
               right: Math.max(box.right, l.right), bottom: Math.max(box.bottom, l.bottom + scrollY)};
      }
    }
    return box;
  };
  const describe = (el) => {
    const id = el.id ? '#' + el.id : '';
    const cls = el.classList.length ? '.' + [...el.classList].join('.') : '';
    const text = (el.getAttribute('aria-label') || el.textContent || el.value || '').replace(/\\s+/g, ' ').trim();
    return `<${el.tagName.toLowerCase()}${id}${cls}> "${text.slice(0, 40)}"`;
  };
  const targets = all.map((el) => ({el, box: rectOf(el), inline: inline(el) || el.matches(essential)}));
  for (const t of targets) {
    t.w = t.box.right - t.box.left; t.h = t.box.bottom - t.box.top;
    t.small = !t.inline && (t.w < 23.95 || t.h < 23.95);
    t.cx = (t.box.left + t.box.right) / 2; t.cy = (t.box.top + t.box.bottom) / 2;
  }
  const circleHitsBox = (t, o) => {
    const x = Math.max(o.box.left, Math.min(t.cx, o.box.right));
    const y = Math.max(o.box.top, Math.min(t.cy, o.box.bottom));
    return Math.hypot(t.cx - x, t.cy - y) < 12 - 0.05;
  };
  const problems = [];
  for (const t of targets.filter((t) => t.small)) {
    const crowded = targets.find((o) => o !== t && !o.inline && !o.el.contains(t.el) && !t.el.contains(o.el)
      && (circleHitsBox(t, o) || (o.small && Math.hypot(t.cx - o.cx, t.cy - o.cy) < 24 - 0.05)));
    if (crowded) {
      problems.push(`${describe(t.el)} is ${t.w.toFixed(1)}×${t.h.toFixed(1)} px and crowds ${describe(crowded.el)}`);
    }
  }
  return problems;
}"""

# Before any Tab: each element's outline and box-shadow at rest, to tell a focus indicator
# (a change) from a card's permanent shadow.
BASELINE_JS = """() => {
  window.restingLook = new WeakMap();
  for (const el of document.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    restingLook.set(el, `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}|${style.boxShadow}`);
  }
}"""

# The element Tab has just reached: does it (or the card or paragraph around it, or its text
# block) show a ring that was not there at rest, and can it be seen?
FOCUS_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  window.visitedByTab = window.visitedByTab || new WeakSet();
  if (visitedByTab.has(el)) return null;  // round again: the tour is over
  visitedByTab.add(el);
  const describe = () => {
    const id = el.id ? '#' + el.id : '';
    const cls = el.classList.length ? '.' + [...el.classList].join('.') : '';
    const text = (el.getAttribute('aria-label') || el.textContent || el.value || '').replace(/\\s+/g, ' ').trim();
    return `<${el.tagName.toLowerCase()}${id}${cls}> "${text.slice(0, 40)}"`;
  };
  const transparent = (colour) => colour === 'transparent' || /rgba\\(.*,\\s*0\\)$/.test(colour);
  const showsRing = (node) => {
    const style = getComputedStyle(node);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1 && !transparent(style.outlineColor);
    const ring = style.boxShadow !== 'none';
    const look = `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}|${style.boxShadow}`;
    return (outline || ring) && restingLook.get(node) !== look;
  };
  const around = [el, el.parentElement, el.parentElement?.parentElement, ...el.children].filter(Boolean);
  const indicator = around.some(showsRing);
  // Not obscured (WCAG 2.4.11): some point of it is the topmost thing there.
  const r = el.getBoundingClientRect();
  const points = [[0.5, 0.5], [0.1, 0.1], [0.9, 0.1], [0.1, 0.9], [0.9, 0.9]];
  const seen = points.some(([fx, fy]) => {
    const x = r.left + r.width * fx, y = r.top + r.height * fy;
    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) return false;
    const hit = document.elementFromPoint(x, y);
    return hit && (hit === el || el.contains(hit) || hit.contains(el));
  });
  return {who: describe(), indicator, seen};
}"""


@pytest.fixture
def scene(seed_document, make_user):
    scene = build_scene(seed_document, make_user)
    scene.add_orphan()
    return scene


def crowded_targets(page, urls) -> list[str]:
    problems = []
    for url in urls:
        page.goto(url)
        page.wait_for_load_state("load")
        problems += [f"{url}: {problem}" for problem in page.evaluate(TARGETS_JS, ESSENTIAL)]
    return problems


def unseen_focus(page, url, limit=600) -> list[str]:
    """Tab through the whole page; return every stop whose focus cannot be seen."""
    page.goto(url)
    page.wait_for_load_state("load")
    page.evaluate(BASELINE_JS)
    problems = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_JS)
        if stop is None:  # out of the page, or round to an element already met
            break
        if not stop["indicator"]:
            problems.append(f"{url}: {stop['who']} shows no outline or ring when focused")
        if not stop["seen"]:
            problems.append(f"{url}: {stop['who']} is hidden behind something when focused")
    else:
        problems.append(f"{url}: still tabbing after {limit} stops")
    return problems


def test_targets_are_big_enough_or_spaced_signed_out_and_in(new_context, login, scene):
    desktop = new_context().new_page()
    problems = crowded_targets(desktop, signed_out_urls(scene))
    login(desktop, scene.instructor)
    problems += crowded_targets(desktop, signed_in_urls(scene))
    assert not problems, "Targets smaller than 24×24 px without room around them:\n" + "\n".join(problems)


def test_targets_are_big_enough_or_spaced_on_a_phone(new_context, login, scene):
    phone = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    login(phone, scene.instructor)
    urls = ["/", READER, "/search/?q=industry", f"/groups/{scene.group.pk}/", f"/threads/{scene.grouped.pk}/",
            f"/groups/{scene.group.pk}/dashboard/{scene.document.slug}/", "/accounts/profile/"]
    problems = crowded_targets(phone, urls)
    assert not problems, "Targets smaller than 24×24 px without room around them:\n" + "\n".join(problems)


def test_focus_is_always_visible(new_context, login, scene):
    page = new_context().new_page()
    problems = []
    for url in ["/accounts/login/", "/accounts/signup/"]:
        problems += unseen_focus(page, url)
    login(page, scene.instructor)
    urls = [
        "/", READER, "/search/?q=industry", "/tags/", f"/groups/{scene.group.pk}/",
        f"/threads/{scene.grouped.pk}/", f"/groups/{scene.group.pk}/dashboard/{scene.document.slug}/",
        "/accounts/profile/", "/api/tokens/", f"/orphans/{scene.orphan.pk}/", "/export/",
        f"/d/{scene.document.slug}/versions/", "/notifications/",
    ]
    for url in urls:
        problems += unseen_focus(page, url)
    assert not problems, "Focus not visible:\n" + "\n".join(problems)
