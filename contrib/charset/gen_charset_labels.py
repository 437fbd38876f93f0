#!/usr/bin/env python3
"""Generate src/charset_labels.inc from the WHATWG Encoding Standard labels.

Usage: gen_charset_labels.py encodings.json > src/charset_labels.inc

encodings.json is the "Encodings" table of https://encoding.spec.whatwg.org/
(github.com/whatwg/encoding, CC BY 4.0), checked in beside this script.
Each WHATWG encoding is mapped to the glibc iconv name that decodes it the
way a browser does; MAIL_LABELS adds names seen in mail that the standard
does not list.  The output is a table sorted by label for bsearch.
tests/test_charset.c opens every entry with iconv and checks that every
label of encodings.json is in the table.
"""
import json
import sys

# WHATWG encoding name -> (iconv name, kind).  kind: "" a plain converter;
# "auto" UTF-8 when the bytes validate, else windows-1252 (labels that mean
# ASCII or carry no information); "replacement" readers disagree (WHATWG
# decodes it as one U+FFFD; glibc still reads ISO-2022-KR/CN): uncertain;
# "utf16" byte order from the BOM or the NUL bytes.
ENCODINGS = {
    "utf-8": ("UTF-8", ""),
    "ibm866": ("IBM866", ""),
    "iso-8859-2": ("ISO-8859-2", ""),
    "iso-8859-3": ("ISO-8859-3", ""),
    "iso-8859-4": ("ISO-8859-4", ""),
    "iso-8859-5": ("ISO-8859-5", ""),
    "iso-8859-6": ("ISO-8859-6", ""),
    "iso-8859-7": ("ISO-8859-7", ""),
    "iso-8859-8": ("ISO-8859-8", ""),
    "iso-8859-8-i": ("ISO-8859-8", ""),	# logical order: same bytes
    "iso-8859-10": ("ISO-8859-10", ""),
    "iso-8859-13": ("ISO-8859-13", ""),
    "iso-8859-14": ("ISO-8859-14", ""),
    "iso-8859-15": ("ISO-8859-15", ""),
    "iso-8859-16": ("ISO-8859-16", ""),
    "koi8-r": ("KOI8-R", ""),
    "koi8-u": ("KOI8-RU", ""),		# WHATWG's koi8-u has the Belarusian letters
    "macintosh": ("MACINTOSH", ""),
    "windows-874": ("CP874", ""),
    "windows-1250": ("CP1250", ""),
    "windows-1251": ("CP1251", ""),
    "windows-1252": ("CP1252", ""),
    "windows-1253": ("CP1253", ""),
    "windows-1254": ("CP1254", ""),
    "windows-1255": ("CP1255", ""),
    "windows-1256": ("CP1256", ""),
    "windows-1257": ("CP1257", ""),
    "windows-1258": ("CP1258", ""),
    "x-mac-cyrillic": ("MAC-CYRILLIC", ""),
    "gbk": ("GB18030", ""),		# WHATWG decodes gbk with the gb18030 decoder
    "gb18030": ("GB18030", ""),
    "big5": ("BIG5-HKSCS", ""),
    "euc-jp": ("EUC-JP", ""),
    "iso-2022-jp": ("ISO-2022-JP", ""),
    "shift_jis": ("CP932", ""),
    "euc-kr": ("CP949", ""),		# WHATWG's euc-kr is windows-949
    "replacement": ("", "replacement"),
    "utf-16be": ("UTF-16BE", ""),
    "utf-16le": ("UTF-16LE", ""),
    "x-user-defined": ("CP1252", ""),	# ASCII alike; high bytes are private-use glyphs in a browser
}

# Labels whose WHATWG encoding is windows-1252 but which, in mail, mean
# 7-bit text: 8-bit bytes under them get the unlabelled-text rule.
AUTO_LABELS = {"us-ascii", "ascii", "ansi_x3.4-1968"}

# The replacement labels that glibc can still read.
REPLACEMENT_ICONV = {
    "iso-2022-kr": "ISO-2022-KR",
    "csiso2022kr": "ISO-2022-KR",
    "iso-2022-cn": "ISO-2022-CN",
    "iso-2022-cn-ext": "ISO-2022-CN-EXT",
}

# Names seen in mail that the standard does not list.
MAIL_LABELS = {
    "utf-7": ("UTF-7", ""),
    "unicode-1-1-utf-7": ("UTF-7", ""),
    "latin-1": ("CP1252", ""),
    "iso-8859-11": ("CP874", ""),
    "ks_c_5601": ("CP949", ""),
    "x-euc-kr": ("CP949", ""),
    "cp949": ("CP949", ""),
    "uhc": ("CP949", ""),
    "cp936": ("GB18030", ""),
    "euc-cn": ("GB18030", ""),
    "x-euc-cn": ("GB18030", ""),
    "big-5": ("BIG5-HKSCS", ""),
    "x-big5": ("BIG5-HKSCS", ""),
    "cp950": ("BIG5-HKSCS", ""),
    "x-ms-cp932": ("CP932", ""),
    "cp932": ("CP932", ""),
    "utf-16": ("", "utf16"),
    "utf-32": ("UTF-32", ""),
    "utf-32be": ("UTF-32BE", ""),
    "utf-32le": ("UTF-32LE", ""),
    "iso-2022-jp-2": ("ISO-2022-JP-2", ""),
    "iso-2022-jp-3": ("ISO-2022-JP-3", ""),
    "cp850": ("CP850", ""),
    "cp437": ("CP437", ""),
    "ibm437": ("CP437", ""),
    "x-mac-ce": ("MAC-CENTRALEUROPE", ""),
}


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        table = json.load(f)
    rows = {}
    for group in table:
        for enc in group["encodings"]:
            iconv, kind = ENCODINGS[enc["name"].lower()]
            for label in enc["labels"]:
                if label in AUTO_LABELS:
                    rows[label] = ("CP1252", "auto")
                elif kind == "replacement":
                    rows[label] = (REPLACEMENT_ICONV.get(label, ""), kind)
                elif label in ("utf-16", "ucs-2", "unicode", "csunicode",
                               "iso-10646-ucs-2"):
                    rows[label] = ("", "utf16")	# WHATWG: BOM, else LE; see charset.c
                else:
                    rows[label] = (iconv, kind)
    for label, row in MAIL_LABELS.items():
        rows.setdefault(label, row)
    kinds = {"": "CHARSET_KIND_ICONV", "auto": "CHARSET_KIND_AUTO",
             "replacement": "CHARSET_KIND_REPLACEMENT", "utf16": "CHARSET_KIND_UTF16"}
    out = sys.stdout
    out.write("/* charset_labels.inc - generated by contrib/charset/gen_charset_labels.py"
              " from encodings.json: do not edit */\n")
    for label in sorted(rows):
        if label == "utf-8" or rows[label][0] == "UTF-8":
            kind = "CHARSET_KIND_UTF8"
        else:
            kind = kinds[rows[label][1]]
        out.write('\t{ "%s", "%s", %s },\n' % (label, rows[label][0], kind))


if __name__ == "__main__":
    main()
