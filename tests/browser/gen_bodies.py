#!/usr/bin/env python3
"""Write the HTML bodies of the browser oracle (tests/browser/html/*.html).

Usage: gen_bodies.py OUTDIR

Deterministic: the same files every run (they are checked in; rerun after
changing a trick).  Each trick is an HTML way of showing (or hiding) text
that a mail reader meets: entities, comments, hidden CSS, tables, inline
tags inside words, and every HTML trick of issue 12.  Each is written with
four of the sentences below, in several languages, so the corpus holds
TRICKS x 4 bodies.  The sentences are the author's own.
"""
import os
import sys

# (language, sentence, the word that tricks cut in two)
SENTENCES = [
    ("en", "Your invoice for March is ready to view in the billing portal", "invoice"),
    ("en", "We were unable to charge the credit card on file for your subscription",
     "subscription"),
    ("en", "Scheduled maintenance will affect virtual machines in West Europe tonight",
     "maintenance"),
    ("de", "Ihre Rechnung für den Monat März steht im Kundenportal bereit", "Rechnung"),
    ("fr", "Votre facture du mois de mars est disponible dans le portail", "facture"),
    ("es", "Su factura de marzo ya está disponible para descargar", "factura"),
    ("pt", "Sua fatura de março já está disponível no portal de cobrança", "fatura"),
    ("ja", "三月分のご請求書をポータルでご確認いただけます", "請求書"),
    ("zh", "您三月份的账单已经可以在门户中查看", "账单"),
    ("ko", "3월 청구서가 발행되었습니다 포털에서 확인하세요", "청구서"),
    ("en", "Payment failed because the card expired last month", "Payment"),
    ("en", "Renewal of your reserved instances is due in fourteen days", "Renewal"),
]


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cut(word):
    """The word split in two, for tricks inside words."""
    k = max(1, len(word) // 2)
    return word[:k], word[k:]


def around(s, w, fmt):
    """s with its word w replaced by fmt % (first half, second half)."""
    a, b = cut(w)
    return esc(s).replace(esc(w), fmt % (esc(a), esc(b)), 1)


def numeric(word, style):
    out = []
    for ch in word:
        cp = ord(ch)
        out.append(style(cp))
    return "".join(out)


def t(name):
    def deco(fn):
        TRICKS.append((name, fn))
        return fn
    return deco


TRICKS = []


@t("paragraph")
def _(s, w):
    return "<p>%s</p>" % esc(s)


@t("doctype-full")
def _(s, w):
    return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Notice</title></head>"
            "<body><div>%s</div></body></html>" % esc(s))


@t("inline-bold-in-word")
def _(s, w):
    return "<p>%s</p>" % around(s, w, "%s<b>%s</b>")


@t("spans-in-word")
def _(s, w):
    return "<p>%s</p>" % around(s, w, "<span>%s</span><span style=\"color:#333\">%s</span>")


@t("nested-inline")
def _(s, w):
    return "<p>%s</p>" % around(s, w, "<a href=\"https://billing.example/\"><font face=\"Arial\"><i>%s</i></font><u><strong>%s</strong></u></a>")


@t("empty-span-in-word")
def _(s, w):
    return "<p>%s</p>" % around(s, w, "%s<span></span><!-- x -->%s")


@t("wbr-in-word")
def _(s, w):
    return "<p>%s</p>" % around(s, w, "%s<wbr>%s")


@t("shy-in-word")
def _(s, w):
    return "<p>%s</p>" % around(s, w, "%s&shy;%s")


@t("zwsp-in-word")
def _(s, w):
    return "<p>%s</p>" % around(s, w, "%s&#8203;%s")


@t("zwj-entity-in-word")
def _(s, w):
    return "<p>%s</p>" % around(s, w, "%s&zwj;%s")


@t("invisible-times-in-word")
def _(s, w):
    return "<p>%s</p>" % around(s, w, "%s&it;%s")


@t("display-none-in-word")
def _(s, w):
    return "<p>%s</p>" % around(s, w, "%s<span style=\"display:none\">zz</span>%s")


@t("hidden-attr-in-word")
def _(s, w):
    return "<p>%s</p>" % around(s, w, "%s<span hidden>qq</span>%s")


@t("font-size-zero-in-word")
def _(s, w):
    return "<p>%s</p>" % around(s, w, "%s<span style=\"font-size:0\">xx</span>%s")


@t("display-none-block")
def _(s, w):
    return "<div style=\"display: none !important\">decoy words here</div><p>%s</p>" % esc(s)


@t("visibility-hidden")
def _(s, w):
    return "<p>%s <span style=\"visibility:hidden\">ghost text</span></p>" % esc(s)


@t("opacity-zero")
def _(s, w):
    return "<p>%s</p><p style=\"opacity:0\">see through</p>" % esc(s)


@t("max-height-zero")
def _(s, w):
    return ("<div style=\"max-height:0;overflow:hidden\">preheader decoy</div><p>%s</p>"
            % esc(s))


@t("offscreen")
def _(s, w):
    return ("<div style=\"position:absolute;left:-9999px;top:-9999px\">far away</div>"
            "<p>%s</p>" % esc(s))


@t("mso-hide")
def _(s, w):
    return ("<p>%s</p><div style=\"mso-hide:all;display:none;max-height:0px;overflow:hidden\">"
            "outlook only</div>" % esc(s))


@t("class-hidden-by-style")
def _(s, w):
    return ("<style>.x{display:none}</style><p>%s</p><p class=\"x\">styled away</p>"
            % esc(s))


@t("style-and-script")
def _(s, w):
    return ("<style>p{color:red}/* </p> */</style><script>var a='</p>';"
            "document.title='x'</script><p>%s</p>" % esc(s))


@t("title-and-template")
def _(s, w):
    return ("<html><head><title>Title words</title></head><body><template><p>templated"
            "</p></template><p>%s</p></body></html>" % esc(s))


@t("comment-simple")
def _(s, w):
    return "<!-- a comment --><p>%s</p><!-- another -->" % esc(s)


@t("comment-abrupt")
def _(s, w):
    return "<!--><p>%s</p>" % esc(s)


@t("comment-abrupt-dash")
def _(s, w):
    return "<!---><p>%s</p>" % esc(s)


@t("comment-bang-close")
def _(s, w):
    return "<!-- gone --!><p>%s</p>" % esc(s)


@t("comment-double-dash-inside")
def _(s, w):
    return "<!-- a -- b -- c --><p>%s</p>" % esc(s)


@t("comment-nested-open")
def _(s, w):
    return "<!-- <!-- inner --><p>%s</p>" % esc(s)


@t("comment-mso-conditional")
def _(s, w):
    return ("<!--[if mso]><p>only in outlook</p><![endif]--><!--[if !mso]><!--><p>%s</p>"
            "<!--<![endif]-->" % esc(s))


@t("bogus-comment-question")
def _(s, w):
    return "<?xml version=\"1.0\"?><p>%s</p>" % esc(s)


@t("bogus-comment-end-tag")
def _(s, w):
    return "</ not a tag><p>%s</p>" % esc(s)


@t("bogus-comment-bang")
def _(s, w):
    return "<!ELEMENT thing><p>%s</p>" % esc(s)


@t("cdata-in-html")
def _(s, w):
    return "<p><![CDATA[ bogus ]]>%s</p>" % esc(s)


@t("entities-named")
def _(s, w):
    return "<p>%s&nbsp;&mdash;&nbsp;&copy;&nbsp;&eacute;t&eacute;</p>" % esc(s)


@t("entities-legacy-no-semicolon")
def _(s, w):
    return "<p>%s &amp caf&eacute bl&eacutee &copy 2024</p>" % esc(s)


@t("entity-notit")
def _(s, w):
    return "<p>%s &notit; &notin; </p>" % esc(s)


@t("entity-uppercase-amp")
def _(s, w):
    return "<p>%s &AMP; &LT;tag&GT;</p>" % esc(s)


@t("entities-rare-named")
def _(s, w):
    return "<p>%s &Ecaron;&scaron;&ccedil; &ldquo;quoted&rdquo; &hellip;</p>" % esc(s)


@t("numeric-decimal-word")
def _(s, w):
    return "<p>%s</p>" % esc(s).replace(esc(w), numeric(w, lambda c: "&#%d;" % c), 1)


@t("numeric-hex-word")
def _(s, w):
    return "<p>%s</p>" % esc(s).replace(esc(w), numeric(w, lambda c: "&#x%X;" % c), 1)


@t("numeric-no-semicolon")
def _(s, w):
    a, b = w[0], w[1:]
    return "<p>%s</p>" % esc(s).replace(esc(w), "&#%d%s" % (ord(a), esc(b))
                                        if not b[:1].isdigit() else esc(w), 1)


@t("numeric-leading-zeros")
def _(s, w):
    return "<p>%s</p>" % esc(s).replace(esc(w), numeric(w, lambda c: "&#0000%d;" % c), 1)


@t("numeric-hex-leading-zeros-upper-x")
def _(s, w):
    return "<p>%s</p>" % esc(s).replace(esc(w), numeric(w, lambda c: "&#X000%x;" % c), 1)


@t("numeric-invalid-code-points")
def _(s, w):
    return "<p>%s &#128;5 &#150; &#0; &#xD800; &#x110000; &#x9F; end</p>" % esc(s)


@t("table")
def _(s, w):
    words = s.split()
    cells = "".join("<td>%s</td>" % esc(x) for x in words)
    return "<table><tr><th>Item</th></tr><tr>%s</tr></table>" % cells


@t("table-nested-layout")
def _(s, w):
    return ("<table width=\"100%%\"><tr><td align=\"center\"><table><tr><td "
            "style=\"padding:8px\">%s</td></tr></table></td></tr></table>" % esc(s))


@t("list")
def _(s, w):
    words = s.split()
    half = len(words) // 2
    return ("<ul><li>%s</li><li>%s</li></ul><ol><li>end</li></ol>"
            % (esc(" ".join(words[:half])), esc(" ".join(words[half:]))))


@t("pre")
def _(s, w):
    return "<pre>  %s\n\tsecond   line</pre>" % esc(s).replace(" ", "   ", 2)


@t("br-lines")
def _(s, w):
    return "<div>%s</div>" % "<br>".join(esc(x) for x in s.split(" ", 3))


@t("headings")
def _(s, w):
    return "<h1>Notice</h1><h2>%s</h2><h3>Details</h3>" % esc(s)


@t("unclosed-paragraphs")
def _(s, w):
    words = s.split()
    return "<p>%s<p>%s<p>done" % (esc(" ".join(words[:3])), esc(" ".join(words[3:])))


@t("uppercase-tags-unquoted-attrs")
def _(s, w):
    return "<DIV CLASS=a ALIGN=left><P STYLE=color:red>%s</P></DIV>" % esc(s)


@t("attribute-with-gt")
def _(s, w):
    return "<p title=\"a > b\" data-x='<b>'>%s</p>" % esc(s)


@t("source-newlines-in-text")
def _(s, w):
    return "<p>%s</p>" % esc(s).replace(" ", "\n   ", 3)


@t("text-transform")
def _(s, w):
    return "<p style=\"text-transform:uppercase\">%s</p>" % esc(s)


@t("unknown-namespaced-tags")
def _(s, w):
    return "<o:p></o:p><p class=MsoNormal>%s<o:p>&nbsp;</o:p></p><xml><w:x/></xml>" % esc(s)


@t("img-alt")
def _(s, w):
    return "<p>%s</p><img src=\"cid:logo\" alt=\"Vendor logo\" width=\"1\" height=\"1\">" % esc(s)


@t("ruby")
def _(s, w):
    return "<p>%s</p>" % around(s, w, "<ruby>%s<rt>x</rt></ruby>%s")


@t("xmp-raw")
def _(s, w):
    return "<xmp><b>%s</b></xmp>" % esc(s)


@t("noscript-and-object")
def _(s, w):
    return "<p>%s</p><object data=\"x\"><p>fallback</p></object>" % esc(s)


@t("textarea-rcdata")
def _(s, w):
    return "<p>%s</p><textarea>typed &amp; text</textarea>" % esc(s)


@t("svg-text")
def _(s, w):
    return "<p>%s</p><svg width=\"100\" height=\"20\"><text x=\"0\" y=\"15\">chart</text></svg>" % esc(s)


@t("blockquote-quoted-reply")
def _(s, w):
    return ("<p>Thanks.</p><blockquote type=\"cite\"><div>On Monday the team wrote:</div>"
            "<div>%s</div></blockquote>" % esc(s))


@t("nbsp-between-words")
def _(s, w):
    return "<p>%s</p>" % esc(s).replace(" ", "&nbsp;")


@t("inline-block-per-letter")
def _(s, w):
    a, b = cut(w)
    letters = "".join("<span style=\"display:inline-block\">%s</span>" % esc(c) for c in w)
    return "<p>%s</p>" % esc(s).replace(esc(w), letters, 1)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        if f.endswith(".html"):
            os.unlink(os.path.join(out, f))
    n = 0
    for i, (name, fn) in enumerate(TRICKS):
        for k in range(4):
            lang, s, w = SENTENCES[(i * 3 + k * 5) % len(SENTENCES)]
            body = fn(s, w)
            n += 1
            path = os.path.join(out, "%03d-%s-%s.html" % (n, name, lang))
            with open(path, "w", encoding="utf-8") as f:
                f.write(body + "\n")
    print("%d bodies, %d tricks" % (n, len(TRICKS)), file=sys.stderr)


if __name__ == "__main__":
    main()
