#!/usr/bin/env python3
"""build_corpus.py - turn corpus/src/*.jsonl into corpus/mail/*.eml and corpus/labels.jsonl.

Every source line is one message written by the team (see corpus/README.md).
This script gives each message a realistic MIME shape: hard-wrapped plain
text, HTML, multipart/alternative, multipart/mixed with a PDF or CSV
attachment, or a nested mixed > related > alternative tree; a charset that
fits its language; a transfer encoding; an RFC 2047 subject when needed; an
envelope (mail_from, rcpt) for csp-milter --evaluate.  It also computes the
train/valid split (held-out topics and vendors, never at random).

Deterministic: the only randomness is a PRNG seeded by the message id, and
all input is read in sorted order, so the same sources always give the same
bytes.  Python 3 standard library only.

    python3 corpus/tools/build_corpus.py [--src DIR] [--out DIR] [--quiet]
"""

import argparse
import base64
import hashlib
import html
import json
import os
import quopri
import random
import re
import shutil
import sys
import unicodedata

CLASSES = ("subscription", "incident", "non_csp", "other")
LANGS = ("en", "de", "fr", "es", "pt-BR", "zh-TW", "zh-CN", "ja", "ko")
REQUIRED = ("id", "lang", "class", "topic", "vendor", "from", "subject", "body", "html", "seen")

# Topics held out for validation: about two per class, chosen so that the
# validation split contains kinds of mail the training split never shows
# (including hard cases such as host updates that reboot VMs).
HELD_OUT_TOPICS = (
    "subscription.past-due",
    "subscription.free-tier-usage",
    "subscription.tax-currency-change",
    "incident.host-update-reboot",
    "incident.certificate-rotation",
    "non_csp.webinar",
    "non_csp.hardware",
    "other.access-review",
    "other.domain-verification",
)
# Held-out vendors are added (in a fixed hash order) on top of the topics
# until the validation share reaches VALID_MIN, never beyond VALID_MAX.
VALID_MIN = 0.20
VALID_MAX = 0.25

# Charsets a vendor would plausibly use per language; utf-8 is always
# possible.  A charset that cannot encode a message falls back (see
# pick_charset).
LANG_CHARSETS = {
    "en": [("utf-8", 6), ("us-ascii", 2), ("iso-8859-1", 1), ("windows-1252", 1)],
    "de": [("utf-8", 5), ("iso-8859-1", 3), ("windows-1252", 2)],
    "fr": [("utf-8", 5), ("iso-8859-1", 3), ("windows-1252", 2)],
    "es": [("utf-8", 5), ("iso-8859-1", 3), ("windows-1252", 2)],
    "pt-BR": [("utf-8", 5), ("iso-8859-1", 3), ("windows-1252", 2)],
    "zh-TW": [("utf-8", 5), ("big5", 5)],
    "zh-CN": [("utf-8", 4), ("gb2312", 3), ("gb18030", 3)],
    "ja": [("utf-8", 4), ("iso-2022-jp", 4), ("shift_jis", 2)],
    "ko": [("utf-8", 5), ("euc-kr", 5)],
}
# Python codec names for the MIME charset names above.
CODEC = {"us-ascii": "ascii", "shift_jis": "shift_jis", "big5": "big5", "gb2312": "gb2312",
         "gb18030": "gb18030", "euc-kr": "euc_kr", "iso-2022-jp": "iso2022_jp",
         "iso-8859-1": "latin-1", "windows-1252": "cp1252", "utf-8": "utf-8"}
FALLBACK = {"gb2312": "gb18030", "iso-8859-1": "windows-1252", "us-ascii": "utf-8"}

# CSP customers from conf/customers.csv (every one is csp=yes), with the
# languages whose mail they plausibly receive.
CUSTOMERS = [
    ("contoso.example", "Contoso Ltd", ("en", "fr", "es", "pt-BR", "ko", "zh-CN")),
    ("eu.contoso.example", "Contoso Europe", ("de", "fr", "es", "en")),
    ("tailspin.example", "Tailspin Toys", ("en", "pt-BR", "es", "ko")),
    ("trey-research.example", "Trey Research", ("en", "zh-CN", "ja")),
    ("tw.trey-research.example", "Trey Research Taiwan", ("zh-TW",)),
    ("fabrikam.example", "Fabrikam, Inc.", ("en", "de", "fr", "zh-TW")),
    ("jp.fabrikam.example", "Fabrikam Japan", ("ja",)),
    ("wideworldimporters.example", "Wide World Importers", ("en", "de", "es", "pt-BR", "ko", "zh-CN")),
]
# CSP customers that also buy directly from the vendor (direct=yes): the
# plausible readers of direct-agreement (non_csp) mail.
DIRECT_CUSTOMERS = ("fabrikam.example", "jp.fabrikam.example", "wideworldimporters.example")
RCPT_LOCAL = ("admin", "it", "billing", "ops", "finance", "cloud-admin", "licensing", "sysadmin",
              "accounts-payable", "platform-team", "noc", "security")
SENDER_SUBDOMAINS = ("", "", "", "mail.", "billing.", "notifications.", "email.", "alerts.", "news.")
VENDOR_BRAND = {
    "azure": "Vendor Cloud", "m365": "Vendor 365", "dynamics": "Vendor Business Apps",
    "partner-center": "Vendor Partner Network", "aws": "Vendor Web Services",
    "gcp": "Vendor Cloud Platform", "workspace": "Vendor Workspace", "oracle": "Vendor OCI",
    "ibm": "Vendor Cloud", "alibaba": "Vendor Cloud", "tencent": "Vendor Cloud",
    "salesforce": "Vendor CRM", "atlassian": "Vendor Cloud Apps", "github": "Vendor Code",
    "gitlab": "Vendor DevOps", "digitalocean": "Vendor Droplets", "cloudflare": "Vendor Edge",
    "heroku": "Vendor Apps", "linode": "Vendor Compute", "zoho": "Vendor Suite",
    "adobe": "Vendor Creative", "dropbox": "Vendor Files", "slack": "Vendor Chat",
    "zoom": "Vendor Meetings", "naver": "Vendor Cloud", "sakura": "Vendor Internet",
    "hetzner": "Vendor Hosting", "ovh": "Vendor Hosting",
}

# Footer words for the HTML rendering, per language.
FOOTER = {
    "en": ("Privacy", "Terms of use", "Notification settings", "Vendor Corporation"),
    "de": ("Datenschutz", "Nutzungsbedingungen", "Benachrichtigungseinstellungen", "Vendor GmbH"),
    "fr": ("Confidentialité", "Conditions d'utilisation", "Préférences de notification",
           "Vendor SAS"),
    "es": ("Privacidad", "Términos de uso", "Preferencias de notificación", "Vendor S.L."),
    "pt-BR": ("Privacidade", "Termos de uso", "Preferências de notificação", "Vendor Ltda."),
    "zh-TW": ("隱私權", "使用條款", "通知設定", "Vendor 股份有限公司"),
    "zh-CN": ("隐私", "使用条款", "通知设置", "Vendor 有限公司"),
    "ja": ("プライバシー", "利用規約", "通知設定", "Vendor 株式会社"),
    "ko": ("개인정보 처리방침", "이용약관", "알림 설정", "Vendor 유한회사"),
}

# A 1x1 transparent PNG, the logo of the multipart/related tree.
LOGO_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")

URL_RE = re.compile(r"https?://[^\s<>\"')]+[^\s<>\"').,;:!?]")


def seed_of(msg_id):
    return int.from_bytes(hashlib.sha256(msg_id.encode("utf-8")).digest()[:8], "big")


def weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    r = rng.randrange(total)
    for v, w in pairs:
        if r < w:
            return v
        r -= w
    return pairs[-1][0]


def is_cjk_lang(lang):
    return lang in ("zh-TW", "zh-CN", "ja", "ko")


# ---------------------------------------------------------------- wrapping

def char_width(ch):
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


NO_LINE_START = set("、。，．・：；？！）」』】〕〉》”’,.:;?!)]}%ー々〜")


def is_hangul(ch):
    o = ord(ch)
    return 0xAC00 <= o <= 0xD7A3 or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F


def breaks_anywhere(ch):
    """Chinese and Japanese text may be broken between any two wide
    characters; Korean, like Latin text, is broken at spaces."""
    return char_width(ch) == 2 and not is_hangul(ch)


def tokens(line):
    """Split a line into wrap units: words (runs of characters that are
    not broken inside), single Chinese/Japanese characters, and spaces."""
    out = []
    for m in re.finditer(r"\s+|[^\s]", line):
        t = m.group(0)
        if t.isspace():
            out.append(" ")
        elif breaks_anywhere(t):
            out.append(t)
        elif out and out[-1] != " " and not breaks_anywhere(out[-1][-1]):
            out[-1] += t
        else:
            out.append(t)
    return out


def wrap_line(line, width=72):
    """Hard-wrap one line at width display columns: break at spaces, or
    between wide (CJK) characters, never before closing punctuation."""
    if sum(char_width(c) for c in line) <= width:
        return [line]
    m = re.match(r"^(\s*(?:[-*•・]\s+|\d+[.)]\s+)?)", line)
    indent = " " * sum(char_width(c) for c in m.group(1)) if m and m.group(1).strip() else \
        (m.group(1) if m else "")
    lines, cur, curw = [], "", 0
    for t in tokens(line):
        tw = sum(char_width(c) for c in t)
        if t == " ":
            if cur:
                cur += " "
                curw += 1
            continue
        if curw + tw > width and cur.strip():
            if t in NO_LINE_START and len(t) == 1:
                cur += t   # keep closing punctuation on the line it closes
                lines.append(cur.rstrip())
                cur, curw = indent, len(indent)
                continue
            lines.append(cur.rstrip())
            cur, curw = indent, len(indent)
        cur += t
        curw += tw
    if cur.strip():
        lines.append(cur.rstrip())
    return lines


def wrap_text(body, width=72):
    paras = body.replace("\r\n", "\n").strip("\n").split("\n\n")
    out = []
    for p in paras:
        lines = []
        for line in p.split("\n"):
            lines.extend(wrap_line(line.rstrip(), width))
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


# ---------------------------------------------------------------- HTML

def esc(text):
    return html.escape(text, quote=False)


def linkify(escaped):
    return URL_RE.sub(lambda m: '<a href="%s" style="color:#0a64c8">%s</a>' % (m.group(0), m.group(0)),
                      escaped)


def is_table_para(lines):
    """Lines of "key: value" pairs or columns separated by 2+ spaces or |."""
    if len(lines) < 2:
        return False
    kv = sum(1 for l in lines if re.match(r"^\s*[^:：]{1,40}[:：]\s+\S", l) and not URL_RE.match(l.strip()))
    cols = sum(1 for l in lines if re.search(r"\S(\s{2,}|\s*\|\s*)\S", l.strip()))
    return kv == len(lines) or cols == len(lines)


def table_cells(line):
    s = line.strip()
    if "|" in s:
        return [c.strip() for c in s.strip("|").split("|")]
    if re.search(r"\S\s{2,}\S", s):
        return re.split(r"\s{2,}", s)
    k, v = re.split(r"[:：]", s, maxsplit=1)
    return [k.strip(), v.strip()]


def render_html(item, rng, brand, preheader):
    lang = item["lang"]
    paras = item["body"].replace("\r\n", "\n").strip("\n").split("\n\n")
    privacy, terms, prefs, company = FOOTER.get(lang, FOOTER["en"])
    font = "Segoe UI,Helvetica,Arial,sans-serif"
    if lang in ("zh-TW", "zh-CN", "ja", "ko"):
        font = "Meiryo,Microsoft JhengHei,Microsoft YaHei,Malgun Gothic,sans-serif"
    style = rng.randrange(3)
    out = ["<!DOCTYPE html>",
           '<html lang="%s">' % lang,
           "<head>",
           '<meta charset="@CHARSET@">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<title>%s</title>" % esc(item["subject"]),
           "<style>body{margin:0;padding:0} td{font-family:%s}</style>" % font,
           "</head>",
           '<body style="margin:0;padding:0;background:#f3f3f3">']
    if preheader:
        first = paras[0].split("\n")[0][:90]
        out.append('<div style="display:none;max-height:0;overflow:hidden">%s</div>' % esc(first))
    out.append('<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
               'style="background:#f3f3f3">')
    out.append('<tr><td align="center">')
    out.append('<table role="presentation" width="640" cellpadding="0" cellspacing="0" '
               'style="background:#ffffff">')
    if style == 0:
        out.append('<tr><td style="background:#243a5e;color:#ffffff;padding:16px 24px;font-size:20px">'
                   '%s</td></tr>' % esc(brand))
    elif style == 1:
        out.append('<tr><td style="padding:20px 24px"><img src="@LOGO@" width="120" height="28" '
                   'alt="%s"></td></tr>' % esc(brand))
    else:
        out.append('<tr><td style="padding:20px 24px;font-size:18px;font-weight:600;'
                   'border-bottom:3px solid #0a64c8">%s</td></tr>' % esc(brand))
    out.append('<tr><td style="padding:24px;font-size:14px;line-height:20px;color:#222222">')
    for p in paras:
        lines = [l for l in p.split("\n") if l.strip()]
        if not lines:
            continue
        if is_table_para(lines):
            out.append('<table cellpadding="4" cellspacing="0" border="0" '
                       'style="border-collapse:collapse;margin:8px 0 16px 0">')
            for l in lines:
                cells = table_cells(l)
                out.append("<tr>" + "".join(
                    '<td style="border-bottom:1px solid #dddddd;padding:4px 12px 4px 0">%s</td>'
                    % linkify(esc(c)) for c in cells) + "</tr>")
            out.append("</table>")
        elif all(re.match(r"^\s*([-*•・]|\d+[.)])\s+", l) for l in lines):
            tag = "ol" if re.match(r"^\s*\d", lines[0]) else "ul"
            out.append("<%s>" % tag)
            for l in lines:
                out.append("<li>%s</li>" % linkify(esc(re.sub(r"^\s*([-*•・]|\d+[.)])\s+", "", l))))
            out.append("</%s>" % tag)
        else:
            out.append('<p style="margin:0 0 14px 0">%s</p>' %
                       "<br>\n".join(linkify(esc(l)) for l in lines))
    out.append("</td></tr>")
    out.append('<tr><td style="padding:16px 24px;font-size:11px;color:#666666;'
               'border-top:1px solid #e5e5e5">')
    out.append('<a href="https://privacy.vendor.example/" style="color:#666666">%s</a> | '
               '<a href="https://www.vendor.example/legal/terms" style="color:#666666">%s</a> | '
               '<a href="https://account.vendor.example/notifications" style="color:#666666">%s</a>'
               % (esc(privacy), esc(terms), esc(prefs)))
    out.append("<br>&copy; %d %s" % (2023 + rng.randrange(3), esc(company)))
    out.append("</td></tr>")
    out.append("</table>")
    out.append("</td></tr></table>")
    out.append("</body>")
    out.append("</html>")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- encoding

def pick_charset(rng, lang, texts):
    cs = weighted(rng, LANG_CHARSETS.get(lang, [("utf-8", 1)]))
    while True:
        try:
            for t in texts:
                t.encode(CODEC[cs])
            return cs
        except UnicodeEncodeError:
            cs = FALLBACK.get(cs, "utf-8")
            if cs == "utf-8":
                return cs


def pick_cte(rng, data, charset):
    """7bit only for ASCII bytes; 8bit, quoted-printable or base64 otherwise."""
    ascii_only = all(b < 0x80 for b in data)
    long_line = any(len(l) > 900 for l in data.split(b"\n"))
    if charset == "iso-2022-jp":
        return weighted(rng, [("7bit", 7), ("base64", 3)])
    if ascii_only and not long_line:
        return weighted(rng, [("7bit", 6), ("quoted-printable", 2), ("base64", 2)])
    if long_line:
        return weighted(rng, [("quoted-printable", 1), ("base64", 1)])
    if charset in ("utf-8", "big5", "gb2312", "gb18030", "shift_jis", "euc-kr"):
        return weighted(rng, [("8bit", 3), ("quoted-printable", 2), ("base64", 5)])
    return weighted(rng, [("8bit", 4), ("quoted-printable", 5), ("base64", 1)])


def encode_body(data, cte):
    if cte == "base64":
        b = base64.b64encode(data).decode("ascii")
        return "\n".join(b[i:i + 76] for i in range(0, len(b), 76)) + "\n"
    if cte == "quoted-printable":
        q = quopri.encodestring(data, quotetabs=False).decode("ascii")
        return q if q.endswith("\n") else q + "\n"
    s = data.decode("latin-1")
    return s if s.endswith("\n") else s + "\n"


def q_word_bytes(b):
    out = []
    for c in b:
        ch = chr(c)
        if ch == " ":
            out.append("_")
        elif c < 0x80 and (ch.isalnum() or ch in "!*+-/"):
            out.append(ch)
        else:
            out.append("=%02X" % c)
    return "".join(out)


def encode_subject(subject, charset, mode):
    """RFC 2047: encoded words of at most 75 characters, never splitting a
    character (each word is encoded on its own, so iso-2022-jp words shift
    back to ASCII), folded one word per line."""
    codec = CODEC[charset]
    words, chunk = [], ""
    for ch in subject:
        trial = chunk + ch
        raw = trial.encode(codec)
        enc = base64.b64encode(raw).decode() if mode == "B" else q_word_bytes(raw)
        if len("=?%s?%s?%s?=" % (charset, mode, enc)) > 75 and chunk:
            words.append(chunk)
            chunk = ch
        else:
            chunk = trial
    if chunk:
        words.append(chunk)
    encoded = []
    for w in words:
        raw = w.encode(codec)
        enc = base64.b64encode(raw).decode() if mode == "B" else q_word_bytes(raw)
        encoded.append("=?%s?%s?%s?=" % (charset, mode, enc))
    return "\n ".join(encoded)


def fold_plain(value, start):
    """Fold an ASCII header value at spaces to stay under 78 columns."""
    words = value.split(" ")
    lines, cur = [], start + words[0]
    for w in words[1:]:
        if len(cur) + 1 + len(w) > 76:
            lines.append(cur)
            cur = " " + w
        else:
            cur += " " + w
    lines.append(cur)
    return "\n".join(lines)


# ---------------------------------------------------------------- attachments

def make_pdf(title_lines):
    """A small valid one-page PDF whose content stream shows a few ASCII lines."""
    text = "BT /F1 12 Tf 72 760 Td 14 TL " + " ".join(
        "(%s) '" % l.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for l in title_lines) + " ET"
    objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        "/Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        "<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
    ]
    out = "%PDF-1.4\n"
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += "%d 0 obj\n%s\nendobj\n" % (i, o)
    xref = len(out)
    out += "xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += "%010d 00000 n \n" % off
    out += "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out.encode("ascii")


def make_attachment(item, rng):
    cls = item["class"]
    n = rng.randrange(1000000, 9999999)
    if cls == "subscription":
        kind = weighted(rng, [("pdf", 3), ("csv", 2)])
        name = ("Invoice_%d.pdf" % n) if kind == "pdf" else ("usage_details_%d.csv" % n)
    elif cls == "incident":
        kind = weighted(rng, [("pdf", 1), ("csv", 2)])
        name = ("post_incident_report_%d.pdf" % n) if kind == "pdf" else ("affected_resources_%d.csv" % n)
    elif cls == "non_csp":
        kind = weighted(rng, [("pdf", 3), ("csv", 1)])
        name = ("agenda_%d.pdf" % n) if kind == "pdf" else ("licence_summary_%d.csv" % n)
    else:
        kind = weighted(rng, [("pdf", 1), ("csv", 2)])
        name = ("summary_%d.pdf" % n) if kind == "pdf" else ("export_%d.csv" % n)
    if kind == "pdf":
        data = make_pdf(["Document %d" % n, "Reference %s" % item["id"],
                         "Generated %04d-%02d-%02d" % (2024 + rng.randrange(2), 1 + rng.randrange(12),
                                                       1 + rng.randrange(28))])
        return name, "application/pdf", data
    regions = ("eu-west", "us-east", "ap-northeast", "ap-southeast", "sa-east", "eu-central")
    rows = []
    for _ in range(3 + rng.randrange(6)):
        day = "2024-%02d-%02d" % (1 + rng.randrange(12), 1 + rng.randrange(28))
        if cls == "subscription":
            rows.append("%s,res-%05d,%s,%d,%d.%02d" % (day, rng.randrange(100000), rng.choice(regions),
                                                      1 + rng.randrange(500), rng.randrange(2000),
                                                      rng.randrange(100)))
        elif cls == "incident":
            rows.append("res-%05d,%s,%s,%s" % (rng.randrange(100000),
                                               rng.choice(("vm", "database", "storage", "gateway")),
                                               rng.choice(regions), rng.choice(("affected", "mitigated"))))
        elif cls == "non_csp":
            rows.append("SKU-%04d,%d,%d.%02d" % (rng.randrange(10000), 1 + rng.randrange(200),
                                                 rng.randrange(500), rng.randrange(100)))
        else:
            rows.append("user%03d@example.invalid,%s,%s" % (rng.randrange(1000),
                                                            rng.choice(("reader", "contributor", "owner")), day))
    header = {"subscription": "date,resource,region,quantity,amount",
              "incident": "resource,type,region,status",
              "non_csp": "sku,quantity,unit_price",
              "other": "user,role,last_activity"}[cls]
    rows.insert(0, header)
    return name, "text/csv", ("\n".join(rows) + "\n").encode("ascii")


# ---------------------------------------------------------------- message

class Part:
    def __init__(self, headers, body=None, children=None, boundary=None, preamble=None):
        self.headers = headers
        self.body = body
        self.children = children or []
        self.boundary = boundary
        self.preamble = preamble

    def render(self):
        out = "\n".join(self.headers) + "\n\n"
        if self.children:
            if self.preamble:
                out += self.preamble + "\n\n"
            for c in self.children:
                out += "--%s\n%s\n" % (self.boundary, c.render().rstrip("\n") + "\n")
            out += "--%s--\n" % self.boundary
        else:
            out += self.body
        return out


def text_part(text, subtype, charset, rng, encodings):
    data = text.encode(CODEC[charset])
    cte = pick_cte(rng, data, charset)
    encodings.append("%s/%s" % (charset, cte))
    return Part(['Content-Type: text/%s; charset="%s"' % (subtype, charset),
                 "Content-Transfer-Encoding: %s" % cte], encode_body(data, cte))


def boundary(item, rng, depth):
    return "----=_Part_%s_%d_%08x" % (item["id"].replace("-", ""), depth, rng.getrandbits(32))


def build_message(item, rng):
    lang, cls = item["lang"], item["class"]
    brand = VENDOR_BRAND.get(item["vendor"].lower(), "Vendor Cloud")
    plain = wrap_text(item["body"])
    can_html = bool(item.get("html"))
    if can_html:
        structure = weighted(rng, [("text/plain", 2), ("text/html", 3), ("multipart/alternative", 4),
                                   ("multipart/mixed", 1), ("nested", 1)])
    else:
        structure = weighted(rng, [("text/plain", 8), ("multipart/mixed", 2)])
    html_text = None
    logo = structure == "nested"
    if structure in ("text/html", "multipart/alternative", "nested") or \
            (structure == "multipart/mixed" and can_html):
        html_text = render_html(item, rng, brand, preheader=rng.randrange(10) < 3)
        if not logo:
            html_text = html_text.replace('<img src="@LOGO@" width="120" height="28" alt="%s">'
                                          % esc(brand), esc(brand))
    charset = pick_charset(rng, lang, [item["subject"], plain] + ([html_text] if html_text else []))
    if html_text:
        html_text = html_text.replace("@CHARSET@", charset)
    encodings = []
    tricks = list(item.get("tricks", []))
    if structure != "text/html" and plain.count("\n") > item["body"].strip("\n").count("\n") + 1:
        tricks.append("hard-wrapped")
    cid = "logo.%08x@vendor.example" % rng.getrandbits(32)
    if html_text and logo:
        html_text = html_text.replace("@LOGO@", "cid:" + cid)

    if structure == "text/plain":
        root = text_part(plain, "plain", charset, rng, encodings)
        label_structure = "text/plain"
    elif structure == "text/html":
        root = text_part(html_text, "html", charset, rng, encodings)
        label_structure = "text/html"
    elif structure == "multipart/alternative":
        root = Part(['Content-Type: multipart/alternative;\n boundary="%s"' % boundary(item, rng, 1)], None,
                    [text_part(plain, "plain", charset, rng, encodings),
                     text_part(html_text, "html", charset, rng, encodings)])
        root.boundary = root.headers[0].split('boundary="')[1].rstrip('"')
        label_structure = "multipart/alternative"
    else:
        name, ctype, data = make_attachment(item, rng)
        if structure == "nested":
            alt_b, rel_b = boundary(item, rng, 3), boundary(item, rng, 2)
            alt = Part(['Content-Type: multipart/alternative;\n boundary="%s"' % alt_b], None,
                       [text_part(plain, "plain", charset, rng, encodings),
                        text_part(html_text, "html", charset, rng, encodings)], alt_b)
            b64 = base64.b64encode(LOGO_PNG).decode()
            img = Part(["Content-Type: image/png", "Content-Transfer-Encoding: base64",
                        "Content-ID: <%s>" % cid, 'Content-Disposition: inline; filename="logo.png"'],
                       b64 + "\n")
            first = Part(['Content-Type: multipart/related;\n type="multipart/alternative";\n boundary="%s"'
                          % rel_b], None, [alt, img], rel_b)
            label_structure = "multipart/mixed>related>alternative+" + ("pdf" if ctype == "application/pdf"
                                                                         else "csv")
        elif html_text:
            alt_b = boundary(item, rng, 2)
            first = Part(['Content-Type: multipart/alternative;\n boundary="%s"' % alt_b], None,
                         [text_part(plain, "plain", charset, rng, encodings),
                          text_part(html_text, "html", charset, rng, encodings)], alt_b)
            label_structure = "multipart/mixed>alternative+" + ("pdf" if ctype == "application/pdf" else "csv")
        else:
            first = text_part(plain, "plain", charset, rng, encodings)
            label_structure = "multipart/mixed+" + ("pdf" if ctype == "application/pdf" else "csv")
        if ctype == "text/csv":
            att_cte = weighted(rng, [("base64", 1), ("7bit", 1)])
            att = Part(['Content-Type: text/csv; charset="us-ascii"; name="%s"' % name,
                        "Content-Transfer-Encoding: %s" % att_cte,
                        'Content-Disposition: attachment; filename="%s"' % name], encode_body(data, att_cte))
        else:
            att = Part(['Content-Type: application/pdf; name="%s"' % name, "Content-Transfer-Encoding: base64",
                        'Content-Disposition: attachment; filename="%s"' % name], encode_body(data, "base64"))
        mb = boundary(item, rng, 1)
        root = Part(['Content-Type: multipart/mixed;\n boundary="%s"' % mb], None, [first, att], mb)
    if root.children:
        root.preamble = "This is a multi-part message in MIME format."

    # Envelope and headers.
    domain, cust_name, _ = pick_customer(rng, lang, cls)
    rcpt = "%s@%s" % (rng.choice(RCPT_LOCAL), domain)
    sub = rng.choice(SENDER_SUBDOMAINS)
    local = item["from"]
    sender = "%s@%svendor.example" % (local, sub)
    subj = item["subject"]
    subj_mode = "plain"
    if any(ord(c) > 127 for c in subj) or (not is_cjk_lang(lang) and rng.randrange(10) == 0):
        mode = "B" if is_cjk_lang(lang) and rng.randrange(4) else ("Q" if rng.randrange(3) else "B")
        scs = charset
        try:
            subj.encode(CODEC[scs])
        except UnicodeEncodeError:
            scs = "utf-8"
        if scs == "us-ascii" and any(ord(c) > 127 for c in subj):
            scs = "utf-8"
        subject_header = "Subject: " + encode_subject(subj, scs, mode)
        subj_mode = "%s/%s" % (mode, scs)
        if "rfc2047-subject" not in tricks:
            tricks.append("rfc2047-subject")
    else:
        subject_header = fold_plain(subj, "Subject: ")
    day = rng.randrange(730)
    y, doy = (2024, day) if day < 366 else (2025, day - 366)
    mdays = [31, 29 if y == 2024 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    m = 0
    while doy >= mdays[m]:
        doy -= mdays[m]
        m += 1
    # weekday: 2024-01-01 was a Monday
    wd = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[day % 7]
    mon = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")[m]
    tz = rng.choice(["+0000", "+0000", "-0700", "-0800", "+0100", "+0900", "+0800"])
    date = "%s, %02d %s %d %02d:%02d:%02d %s" % (wd, doy + 1, mon, y, rng.randrange(24), rng.randrange(60),
                                                rng.randrange(60), tz)
    mid = "<%s.%s@%svendor.example>" % (hashlib.sha256(item["id"].encode()).hexdigest()[:20], item["id"],
                                        sub or "mail.")
    to_name = cust_name.replace('"', "")
    headers = ["From: %s <%s>" % (brand if "," not in brand else '"%s"' % brand, sender),
               'To: "%s" <%s>' % (to_name, rcpt) if "," in to_name else "To: %s <%s>" % (to_name, rcpt),
               subject_header,
               "Date: " + date,
               "Message-ID: " + mid,
               "MIME-Version: 1.0"]
    if rng.randrange(2):
        headers.append("Auto-Submitted: auto-generated")
    if cls == "non_csp" and rng.randrange(3):
        headers.append("List-Unsubscribe: <https://email.vendor.example/unsubscribe?u=%08x>" %
                       rng.getrandbits(32))
    if rng.randrange(3) == 0:
        headers.append("X-Mailer: Vendor Notification Service %d.%d" % (2 + rng.randrange(3), rng.randrange(10)))
    root.headers = headers + root.headers
    eml = root.render()
    label = {
        "file": "mail/%s.eml" % item["id"],
        "id": item["id"],
        "class": cls,
        "lang": lang,
        "topic": item["topic"],
        "vendor": item["vendor"],
        "encoding": "+".join(encodings),
        "structure": label_structure,
        "tricks": tricks,
        "mail_from": sender,
        "rcpt": [rcpt],
        "seen": item["seen"],
        "note": "subject=%s" % subj_mode,
    }
    return eml, label


def pick_customer(rng, lang, cls):
    fits = [c for c in CUSTOMERS if lang in c[2]]
    if cls == "non_csp":
        fits = [c for c in fits if c[0] in DIRECT_CUSTOMERS] or fits
    return rng.choice(fits or CUSTOMERS)


# ---------------------------------------------------------------- split

def name_hash(s):
    return hashlib.sha256(("split:" + s).encode()).hexdigest()


def compute_split(items):
    held_topics = set(HELD_OUT_TOPICS)
    total = len(items)
    valid_ids = {i["id"] for i in items if i["topic"] in held_topics}
    vendors = sorted({i["vendor"].lower() for i in items}, key=name_hash)
    held_vendors = []
    for v in vendors:
        if len(valid_ids) >= VALID_MIN * total:
            break
        add = {i["id"] for i in items if i["vendor"].lower() == v} - valid_ids
        if len(valid_ids) + len(add) > VALID_MAX * total:
            continue
        # a vendor that would take a whole language or class out of training is skipped
        trial = valid_ids | add
        ok = True
        for key in ("lang", "class"):
            for val in {i[key] for i in items}:
                if all(i["id"] in trial for i in items if i[key] == val):
                    ok = False
        if not ok:
            continue
        held_vendors.append(v)
        valid_ids = trial
    return valid_ids, held_vendors


# ---------------------------------------------------------------- main

def load_sources(src):
    items, seen_ids, errors = [], set(), []
    for name in sorted(os.listdir(src)):
        if not name.endswith(".jsonl"):
            continue
        path = os.path.join(src, name)
        with open(path, encoding="utf-8") as fp:
            for n, line in enumerate(fp, 1):
                if not line.strip():
                    continue
                try:
                    it = json.loads(line)
                except ValueError as e:
                    errors.append("%s:%d: %s" % (path, n, e))
                    continue
                missing = [k for k in REQUIRED if k not in it]
                if missing:
                    errors.append("%s:%d: missing %s" % (path, n, ", ".join(missing)))
                    continue
                if it["class"] not in CLASSES:
                    errors.append("%s:%d: unknown class %r" % (path, n, it["class"]))
                elif it["lang"] not in LANGS:
                    errors.append("%s:%d: unknown lang %r" % (path, n, it["lang"]))
                elif not it["topic"].startswith(it["class"] + "."):
                    errors.append("%s:%d: topic %r is not under class %r" % (path, n, it["topic"], it["class"]))
                elif not re.match(r"^[A-Za-z0-9-]+$", it["id"]):
                    errors.append("%s:%d: bad id %r" % (path, n, it["id"]))
                elif it["id"] in seen_ids:
                    errors.append("%s:%d: duplicate id %r" % (path, n, it["id"]))
                elif not re.match(r"^[A-Za-z0-9._+-]+$", it["from"]):
                    errors.append("%s:%d: bad from %r (local part only)" % (path, n, it["from"]))
                else:
                    seen_ids.add(it["id"])
                    items.append(it)
    items.sort(key=lambda i: i["id"])
    return items, errors


def summary(items, valid_ids, held_vendors, out):
    langs = [l for l in LANGS if any(i["lang"] == l for i in items)]
    for split in ("train", "valid", "all"):
        sel = [i for i in items if split == "all" or (i["id"] in valid_ids) == (split == "valid")]
        out.write("\n%s: %d messages\n" % (split, len(sel)))
        out.write("%-7s" % "lang" + "".join("%14s" % c for c in CLASSES) + "%8s\n" % "total")
        for l in langs:
            row = [sum(1 for i in sel if i["lang"] == l and i["class"] == c) for c in CLASSES]
            out.write("%-7s" % l + "".join("%14d" % r for r in row) + "%8d\n" % sum(row))
        row = [sum(1 for i in sel if i["class"] == c) for c in CLASSES]
        out.write("%-7s" % "total" + "".join("%14d" % r for r in row) + "%8d\n" % sum(row))
    out.write("\nheld-out topics: %s\n" % ", ".join(HELD_OUT_TOPICS))
    out.write("held-out vendors: %s\n" % ", ".join(held_vendors))
    out.write("valid share: %.1f%%\n" % (100.0 * len(valid_ids) / max(1, len(items))))


def coverage_warnings(items, valid_ids):
    warn = []
    for key, vals in (("lang", sorted({i["lang"] for i in items})), ("class", CLASSES)):
        for v in vals:
            for split in ("train", "valid"):
                if not any(i[key] == v and ((i["id"] in valid_ids) == (split == "valid")) for i in items):
                    warn.append("no %s %s in %s" % (key, v, split))
    return warn


def main():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description="Build corpus/mail and corpus/labels.jsonl from corpus/src.")
    ap.add_argument("--src", default=os.path.join(here, "src"))
    ap.add_argument("--out", default=here, help="directory that receives mail/ and labels.jsonl")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()

    items, errors = load_sources(args.src)
    for e in errors:
        sys.stderr.write("build_corpus: %s\n" % e)
    if errors:
        return 1
    valid_ids, held_vendors = compute_split(items)
    mail = os.path.join(args.out, "mail")
    if os.path.isdir(mail):
        shutil.rmtree(mail)
    os.makedirs(mail)
    labels = []
    for it in items:
        rng = random.Random(seed_of(it["id"]))
        eml, label = build_message(it, rng)
        label["split"] = "valid" if it["id"] in valid_ids else "train"
        with open(os.path.join(mail, it["id"] + ".eml"), "wb") as fp:
            fp.write(eml.encode("latin-1"))
        labels.append(label)
    with open(os.path.join(args.out, "labels.jsonl"), "w", encoding="utf-8") as fp:
        for l in labels:
            fp.write(json.dumps(l, ensure_ascii=False, sort_keys=False) + "\n")
    if not args.quiet:
        summary(items, valid_ids, held_vendors, sys.stdout)
    for w in coverage_warnings(items, valid_ids):
        sys.stderr.write("build_corpus: warning: %s\n" % w)
    return 0


if __name__ == "__main__":
    sys.exit(main())
