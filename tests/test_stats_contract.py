"""The input contract, against hostile statistics files: each is refused or rejected as the contract says,
the identifying text appears nowhere on disk or in the database, and a refused file changes nothing."""
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from etl import config
from etl.schema import metadata

from .conftest import snapshot
from .test_portal_stats import load

HEADER = "report_ref,portal,received_date,outcome,media_type,severity,youngest_age,self_generated,hosting_country"
SUMMARY_HEADER = ("portal,month,received,actioned,not_actioned,duplicate,out_of_remit,pending,media_image,media_video,"
                  "media_image_and_video,severity_a,severity_b,severity_c,age_0_2,age_3_6,age_7_10,age_11_13,age_14_15,"
                  "age_16_17,age_unknown,self_generated_yes,self_generated_no,host_africa,host_americas,host_asia,"
                  "host_europe,host_oceania,host_other,host_unknown")
SUMMARY_ROW = "ZMB,2024-01,40,12,25,3,0,0,10,2,0,3,3,6,0,0,2,8,2,0,0,11,1,0,2,0,10,0,0,0"
GOOD = [f"H{i:05d},MUS,2024-03-{1 + i % 28:02d},not_actioned,,,,," for i in range(30)]
ACTIONED = "H09999,MUS,2024-03-05,actioned,image,C,11-13,yes,NLD"
MB10 = 10_000_000


def reports(*rows, good=GOOD, header=HEADER, newline="\n") -> bytes:
    return (newline.join([header, *good, *rows]) + newline).encode("utf-8")


def row(**fields) -> str:
    base = dict(zip(HEADER.split(","), ACTIONED.split(",")))
    base.update(fields)
    return ",".join(base.values())


def summary(*rows) -> bytes:
    return ("\n".join([SUMMARY_HEADER, SUMMARY_ROW.replace("2024-01", "2024-02"), *rows]) + "\n").encode("utf-8")


def summary_row(**fields) -> str:
    base = dict(zip(SUMMARY_HEADER.split(","), SUMMARY_ROW.split(",")))
    base.update(fields)
    return ",".join(base.values())


PASSWD = b"root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
REFUSED, LOADED = "refused", "loaded"
# name, file content (bytes, or "dir"), expected outcome, words in the message, identifying text
CASES = [
    ("e-mail as reference", reports(row(report_ref="anna@meyer.org")), REFUSED, ["line 32, column report_ref", "not an opaque reference"], "anna@meyer.org"),
    ("e-mail after spaces, 1,200 rows", reports(row(report_ref="   anna@meyer.org"), good=GOOD * 40), REFUSED, ["column report_ref"], "anna@meyer.org"),
    ("e-mail in outcome", reports(row(outcome="anna@meyer.org")), REFUSED, ["column outcome", "not a code"], "anna@meyer.org"),
    ("e-mail in portal", reports(row(portal="anna@meyer.org")), REFUSED, ["column portal"], "anna@meyer.org"),
    ("e-mail in hosting country", reports(row(hosting_country="anna@meyer.org")), REFUSED, ["column hosting_country"], "anna@meyer.org"),
    ("e-mail with unfamiliar ending", reports(row(report_ref="jo@firm.zorgl")), REFUSED, ["column report_ref"], "jo@firm.zorgl"),
    ("e-mail without a dot", reports(row(report_ref="jane@example")), REFUSED, ["column report_ref"], "jane@example"),
    ("e-mail without a dot in severity", reports(row(severity="jane@example")), REFUSED, ["column severity"], "jane@example"),
    ("name as reference", reports(row(report_ref="Jane Doe")), REFUSED, ["column report_ref"], "Jane Doe"),
    ("name in portal", reports(row(portal="Anna Meyer")), REFUSED, ["column portal"], "Anna Meyer"),
    ("name in age", reports(row(youngest_age="Anna Meyer")), REFUSED, ["column youngest_age"], "Anna Meyer"),
    ("name in date", reports(row(received_date="Anna Meyer")), REFUSED, ["column received_date", "not a date"], "Anna Meyer"),
    ("free text in outcome", reports(row(outcome="my neighbour sent me this link")), REFUSED, ["column outcome"], "neighbour sent"),
    ("quoted free text with commas", reports(row(report_ref='"sent, by Jane Doe, today"')), REFUSED, ["column report_ref"], "by Jane Doe"),
    ("multi-line quoted text", reports(row(media_type='"line one\nJane Doe line two"')), REFUSED, ["column media_type"], "Jane Doe line"),
    ("web address as reference", reports(row(report_ref="http://bad.example.com/x")), REFUSED, ["column report_ref"], "bad.example.com"),
    ("web address in media type", reports(row(media_type="www.example.com")), REFUSED, ["column media_type"], "www.example.com"),
    ("IPv4 address", reports(row(hosting_country="192.168.10.4")), REFUSED, ["column hosting_country"], "192.168.10.4"),
    ("IPv6 address", reports(row(report_ref="fe80::1ff:fe23:4567:890a")), REFUSED, ["column report_ref"], "fe80::1ff"),
    ("formula in reference", reports(row(report_ref="=SUM(A1:A9)")), REFUSED, ["column report_ref"], "=SUM(A1:A9)"),
    ("formula in outcome", reports(row(outcome="+cmd|' /C calc'!A0")), REFUSED, ["column outcome"], "calc'!A0"),
    ("formula-looking code", reports(row(severity="@SUM(1)")), REFUSED, ["column severity"], "@SUM(1)"),
    ("tab in reference", reports(row(report_ref="R1\tJaneDoe")), REFUSED, ["column report_ref"], "JaneDoe"),
    ("emoji in reference", reports(row(report_ref="R1\U0001F600Anna")), REFUSED, ["column report_ref"], "\U0001F600Anna"),
    ("NUL byte in reference", reports(row(report_ref="R1\x00AnnaMeyer")), REFUSED, ["column report_ref"], "AnnaMeyer"),
    ("10 MB reference", reports(row(report_ref="anna@meyer.org" + "x" * MB10)), REFUSED, ["column report_ref"], "anna@meyer.org"),
    ("10 MB outcome", reports(row(outcome="anna@meyer.org" + "y" * MB10)), REFUSED, ["column outcome"], "anna@meyer.org"),
    ("40,000-character e-mail", reports(row(report_ref="a" * 40_000 + "@meyer.org")), REFUSED, ["column report_ref"], "@meyer.org"),
    ("demo column with text", reports(good=[g + ",Jane Doe" for g in GOOD], header=HEADER + ",demo"), REFUSED, ["column demo"], "Jane Doe"),
    ("header field like an e-mail", reports(header=HEADER + ",anna@meyer.org", good=[g + "," for g in GOOD]), REFUSED, ["header field 10"], "anna@meyer.org"),
    ("UTF-16 with BOM", reports(row(report_ref="AnnaMeyer1")).decode().encode("utf-16"), REFUSED, ["not UTF-8"], "AnnaMeyer1"),
    ("UTF-16 LE without BOM", reports(row(report_ref="AnnaMeyer2")).decode().encode("utf-16-le"), REFUSED, ["header field 1"], "AnnaMeyer2"),
    ("Latin-1", reports(row(report_ref="Jürgen")).decode().encode("latin-1"), REFUSED, ["UTF-8"], "Jürgen"),
    ("UTF-8 with BOM", b"\xef\xbb\xbf" + reports(), LOADED, [], None),
    ("CRLF line ends", reports(newline="\r\n"), LOADED, [], None),
    ("quoted codes", reports(*[f'"{g}"'.replace(",", '","') for g in GOOD[:3]], good=GOOD[3:]), LOADED, [], None),
    ("a code outside the list: row rejected", reports(row(outcome="maybe")), LOADED, [], "maybe"),
    ("broken quote", reports('"H77777,MUS,2024-03-02,not_actioned,,,,,'), REFUSED, ["malformed"], None),
    ("header and blank lines", (HEADER + "\n\n\n\n").encode(), REFUSED, ["nothing to load"], None),
    ("header and blank CRLF lines", (HEADER + "\r\n\r\n\r\n").encode(), REFUSED, ["nothing to load"], None),
    ("blank lines between rows: rejected", reports("", *GOOD[:2], "", good=[]), LOADED, [], None),
    ("header only", (HEADER + "\n").encode(), REFUSED, ["no data rows"], None),
    ("empty file", b"", REFUSED, ["file is empty"], None),
    ("a directory", "dir", REFUSED, ["is a folder"], None),
    ("system file", PASSWD, REFUSED, ["header field 1 is not a column"], "root:x:0:0"),
    ("JSON passed by mistake", b'{"reporter": "anna@meyer.org", "name": "Jane Doe"}\n', REFUSED, ["header field 1"], "anna@meyer.org"),
    ("binary file", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDRAnnaMeyer\x00\x01", REFUSED, ["UTF-8"], "AnnaMeyer"),
    ("every row rejected", reports(good=[g.replace(",MUS,", ",ZZZ,") for g in GOOD]), REFUSED, ["nothing to load"], None),
    ("summary: e-mail in a count", summary(summary_row(received="anna@meyer.org")), REFUSED, ["column received", "not a whole number"], "anna@meyer.org"),
    ("summary: name in portal", summary(summary_row(portal="Jane Doe")), REFUSED, ["column portal"], "Jane Doe"),
    ("summary: free text in month", summary(summary_row(month="sent by my neighbour")), REFUSED, ["column month"], "my neighbour"),
    ("summary: 10 MB field", summary(summary_row(pending="9" * MB10)), REFUSED, ["malformed CSV"], None),
    ("summary: NUL byte", summary(summary_row(portal="ZMB\x00Anna")), REFUSED, ["column portal"], "\x00Anna"),
    ("carriage returns only", reports(row(report_ref="AnnaMeyer")).replace(b"\n", b"\r"), REFUSED,
     ["line 1", "carriage return only"], "AnnaMeyer"),
]


def _everything_on_disk(folder: Path) -> bytes:
    return b"\n".join(p.read_bytes() for p in folder.rglob("*") if p.is_file()) if folder.exists() else b""


def _everything_in_the_database(engine) -> str:
    out = []
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            for r in conn.execute(select(table)):
                out.extend(v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in r)
    return "\n".join(out)


@pytest.mark.parametrize("name,content,expected,words,secret", CASES, ids=[c[0] for c in CASES])
def test_hostile_file(built, tmp_path, name, content, expected, words, secret):
    assert load(built, Path(__file__).parent / "fixtures" / "portal_reports_more.csv").outcome == "ok"
    before = snapshot(built)
    path = tmp_path / "upload" / "hostile.csv"
    path.parent.mkdir()
    if content == "dir":
        path.mkdir()
    else:
        path.write_bytes(content)
    t0 = time.perf_counter()
    report = load(built, path)
    seconds = time.perf_counter() - t0
    assert report.outcome == ("failed" if expected == REFUSED else "ok"), report.message
    assert "\n" not in report.message
    for word in words:
        assert word in report.message, (word, report.message)
    if expected == REFUSED:
        assert snapshot(built) == before
        assert seconds < 1.0 or len(content) < MB10, seconds  # every check is linear: 10 MB refused at once
    if secret:
        assert secret not in report.message
        assert secret.encode() not in _everything_on_disk(config.VAR_DIR)
        assert secret not in _everything_in_the_database(built)


def test_there_are_forty_hostile_files():
    assert len(CASES) >= 40


def test_every_domain_check_is_linear():
    """The contract alone: each pattern refuses a 10 MB near-miss at once (no backtracking blow-up)."""
    from etl.stats_contract import COUNT, KINDS, REFERENCE, outside
    for pattern in KINDS:
        for value in ("a" * MB10 + "@", "1" * MB10, " " * MB10 + "anna@meyer.org", "a-" * (MB10 // 2) + "@x.y"):
            t0 = time.perf_counter()
            assert outside(pattern, value)
            assert time.perf_counter() - t0 < 0.05, pattern
    assert not outside(REFERENCE, "DEMO-123_a") and outside(REFERENCE, "jane@example")
    assert not outside(COUNT, "") and outside(COUNT, "1e3")


def test_the_quick_reference_check_is_the_contract():
    """The quick reading checks references with a search for what they may not hold (reference_outside);
    it must agree with the contract's pattern on every kind of value."""
    import polars as pl

    from etl.stats_contract import REFERENCE, outside, reference_outside
    values = ["R1", "a", "A-_9", "-a", "_a", "a-", "a_", "a" * 64, "a" * 65, "é", "aé", "a b", " a", "a\t",
              "a.b", "a@b.org", "a/b", "ａ", "a\u200b", "", "0", "9-9-9", "Z" * 63 + "_"]
    quick = pl.DataFrame({"r": values}).select(reference_outside(pl.col("r")))["r"].to_list()
    assert quick == [outside(REFERENCE, v) for v in values]
    assert quick.count(False) == 10  # a test that could not fail would find every value on one side
