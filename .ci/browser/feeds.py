"""Parses the site's iCalendar feeds with Python's icalendar and every page's JSON-LD as JSON.

Usage: feeds.py SITE_DIR. Exits non-zero with the list of problems.
"""
import json
import pathlib
import sys
from html.parser import HTMLParser

import icalendar

site = pathlib.Path(sys.argv[1])
problems = []


class JsonLd(HTMLParser):
    """Collects the text of <script type="application/ld+json"> elements."""

    def __init__(self):
        super().__init__()
        self.blocks, self._in = [], False

    def handle_starttag(self, tag, attrs):
        self._in = tag == "script" and ("type", "application/ld+json") in attrs
        if self._in:
            self.blocks.append("")

    def handle_endtag(self, tag):
        self._in = False

    def handle_data(self, data):
        if self._in:
            self.blocks[-1] += data


# iCalendar: one VEVENT per deadline with the properties RFC 5545 requires, unique UIDs.
for name in ["fr/echeances.ics", "en/deadlines.ics"]:
    cal = icalendar.Calendar.from_ical((site / name).read_bytes())
    events = list(cal.walk("VEVENT"))
    uids = [str(e["UID"]) for e in events]
    if len(events) < 10:
        problems.append(f"{name}: only {len(events)} events")
    if len(set(uids)) != len(uids):
        problems.append(f"{name}: duplicate UIDs")
    for e in events:
        for key in ["UID", "DTSTAMP", "DTSTART", "SUMMARY", "URL"]:
            if key not in e:
                problems.append(f"{name}: event {e.get('UID')} lacks {key}")
        if not str(e.get("URL", "")).startswith("https://"):
            problems.append(f"{name}: event {e.get('UID')} URL is not absolute")
    for key in ["VERSION", "PRODID"]:
        if key not in cal:
            problems.append(f"{name}: calendar lacks {key}")
    print(f"{name}: {len(events)} events parse with icalendar {icalendar.__version__}")

# JSON-LD: parses as JSON; FAQ pages carry an FAQPage whose questions match their anchors.
counts = {"pages": 0, "FAQPage": 0, "BreadcrumbList": 0, "Question": 0}
for path in sorted(site.rglob("*.html")):
    text = path.read_text(encoding="utf-8")
    parser = JsonLd()
    parser.feed(text)
    if not parser.blocks:
        if '<article class="faq">' in text:
            problems.append(f"{path.relative_to(site)}: FAQ page without JSON-LD")
        continue
    counts["pages"] += 1
    for block in parser.blocks:
        try:
            data = json.loads(block)
        except json.JSONDecodeError as err:
            problems.append(f"{path.relative_to(site)}: JSON-LD does not parse: {err}")
            continue
        if data.get("@context") != "https://schema.org":
            problems.append(f"{path.relative_to(site)}: @context is not schema.org")
        for node in data.get("@graph", []):
            kind = node.get("@type")
            if kind in counts:
                counts[kind] += 1
            if kind == "FAQPage":
                questions = node.get("mainEntity", [])
                counts["Question"] += len(questions)
                entries = text.count('<section class="entry">')
                if len(questions) != entries:
                    problems.append(f"{path.relative_to(site)}: {len(questions)} questions for {entries} entries")
                for q in questions:
                    if q.get("@type") != "Question" or q.get("acceptedAnswer", {}).get("@type") != "Answer":
                        problems.append(f"{path.relative_to(site)}: malformed Question {q.get('name')}")
                    anchor = q.get("url", "").split("#")[-1]
                    if f'id="{anchor}"' not in text:
                        problems.append(f"{path.relative_to(site)}: Question url #{anchor} is not on the page")
            elif kind == "BreadcrumbList":
                items = node.get("itemListElement", [])
                if [i.get("position") for i in items] != list(range(1, len(items) + 1)):
                    problems.append(f"{path.relative_to(site)}: breadcrumb positions")
print("JSON-LD:", ", ".join(f"{v} {k}" for k, v in counts.items()))
if counts["FAQPage"] < 50:
    problems.append(f"only {counts['FAQPage']} FAQPage blocks")

for p in problems:
    print("FAIL", p)
sys.exit(1 if problems else 0)
