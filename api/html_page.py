"""What every server-rendered page shares (SIVIL's, the signed-in person's): one look, and headers that keep a page
from being framed, cached, indexed or made to run anything."""

STYLE = """
body{font-family:system-ui,"DejaVu Sans",sans-serif;margin:0;background:#f4f6f8;color:#1d2733}
main{max-width:44rem;margin:2rem auto;padding:1.5rem 2rem;background:#fff;border-radius:.5rem;
box-shadow:0 1px 4px #0002}
h1{font-size:1.5rem;margin:0 0 .25rem}h1+p{margin-top:0;color:#52606d}
label{display:block;margin:.9rem 0 .25rem;font-weight:600}
input{font:inherit;padding:.45rem .6rem;width:100%;box-sizing:border-box;border:1px solid #9aa5b1;border-radius:.3rem}
fieldset{margin:1rem 0;border:1px solid #cbd2d9;border-radius:.3rem}
button{font:inherit;margin-top:1rem;padding:.55rem 1.4rem;background:#0b5cad;color:#fff;border:0;border-radius:.3rem}
.notice{padding:.75rem 1rem;border-radius:.3rem;margin:1rem 0}
.refused{background:#fdecea;border:1px solid #e0a39b}.found{background:#e8f5e9;border:1px solid #98c59b}
.not-valid{background:#fdecea;border:1px solid #e0a39b}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem}dt{font-weight:600}
dd{margin:0;overflow-wrap:anywhere}
.small{font-size:.85rem;color:#52606d}a.button{display:inline-block;margin:.5rem 1rem .5rem 0}
@media (max-width:600px){main{margin:0;padding:1rem;border-radius:0}dl{grid-template-columns:1fr;gap:0}
dd{margin-bottom:.6rem}h2{font-size:1.15rem}}
"""

HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "noindex",
}
