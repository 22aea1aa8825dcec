"""Notes are Markdown from strangers: rendered with raw HTML off, then sanitised by nh3.

The corpus below is the usual bag of tricks (script tags, event handlers, javascript:/data:/
vbscript: URLs in every disguise, SVG and MathML, CSS, markdown link and reference tricks).
Whatever each renders to, no script can run: no executable tag, no event handler attribute,
no dangerous URL scheme in any attribute, and every link has rel="nofollow noopener".
"""

import re
from html.parser import HTMLParser

import pytest

from annotations.rendering import render_markdown

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/xss.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text x=20 y=20>XSS</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<object data=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<a href=\"javascript:alert(1)\">click</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">click</a>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<style>@import 'http://evil.example/x.css';</style>",
    "<link rel=stylesheet href=http://evil.example/x.css>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><button>go</button></form>",
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<base href=\"javascript:alert(1)//\">",
    "<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>",
    "<p onclick=alert(1)>para</p>",
    "\"><script>alert(1)</script>",
    "'><img src=x onerror=alert(1)>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click]( javascript:alert(1) )",
    "[click](javascript&#58;alert(1))",
    "[click](&#x6A;avascript:alert(1))",
    "[click](java\nscript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](data:image/svg+xml,<svg onload=alert(1)>)",
    "[click](file:///etc/passwd)",
    "[click](<javascript:alert(1)>)",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    "![x\"onerror=\"alert(1)](https://example.org/x.png)",
    "[x](https://example.org/\"onmouseover=\"alert(1))",
    "[x](https://example.org \"title\\\" onmouseover=alert(1) x=\\\"\")",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "[ref][r]\n\n[r]: data:text/html,<script>alert(1)</script>",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "> <img src=x onerror=alert(1)>",
    "* <a href=javascript:alert(1)>x</a>",
    "| a |\n|---|\n| <script>alert(1)</script> |",
    "**<img src=x onerror=alert(1)>**",
    "javascript:alert(1)",
    "www.example.org/<script>alert(1)</script>",
    "https://example.org/?q=\"><script>alert(1)</script>",
    "<a href=\"https://example.org\" target=\"_blank\" onclick=\"alert(1)\">x</a>",
    "<x onpointerover=alert(1)>hover</x>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<template><script>alert(1)</script></template>",
    "<isindex type=image src=1 onerror=alert(1)>",
]

SAFE_TAGS = {"p", "br", "em", "strong", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr",
             "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td"}
SAFE_SCHEMES = ("http://", "https://", "mailto:")


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def elements(html):
    parser = _Elements()
    parser.feed(html)
    return parser.elements


def test_the_corpus_is_big_enough():
    assert len(XSS_PAYLOADS) >= 50
    assert len(set(XSS_PAYLOADS)) == len(XSS_PAYLOADS)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_no_payload_survives_rendering(payload):
    html = str(render_markdown(payload))
    for tag, attrs in elements(html):
        assert tag in SAFE_TAGS, f"{tag} from {payload!r}: {html}"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"event handler {name} from {payload!r}"
            assert name in {"href", "title", "rel", "start", "align"}, f"attribute {name} from {payload!r}"
            if name == "href":
                assert value.strip().lower().startswith(SAFE_SCHEMES), f"href {value!r} from {payload!r}"
        if tag == "a":
            assert attrs.get("rel") == "nofollow noopener", html
    # Nothing executable is left as markup (escaped text, &lt;script&gt;, is harmless).
    assert not re.search(r"<\s*(script|iframe|object|embed|svg|math|style|img|form|input|base|meta|link)\b", html, re.I)


def test_markdown_still_renders():
    html = str(render_markdown("Some *emphasis*, **strength**, `code` and a [link](https://example.org/a).\n\n- one\n- two"))
    assert "<em>emphasis</em>" in html and "<strong>strength</strong>" in html and "<code>code</code>" in html
    assert '<a href="https://example.org/a" rel="nofollow noopener">link</a>' in html
    assert "<ul>\n<li>one</li>" in html


def test_bare_addresses_become_links_and_raw_html_stays_text():
    html = str(render_markdown("See https://example.org/x and <b>bold</b>"))
    assert '<a href="https://example.org/x" rel="nofollow noopener">https://example.org/x</a>' in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_images_are_not_fetched_but_their_address_stays_a_link():
    html = str(render_markdown("![a chart](https://example.org/chart.png)"))
    assert "<img" not in html
    assert '<a href="https://example.org/chart.png" rel="nofollow noopener">a chart</a>' in html


def test_empty_bodies_render_nothing():
    assert render_markdown("") == "" and render_markdown("   \n") == ""
