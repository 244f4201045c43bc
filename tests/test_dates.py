from datetime import date

import pytest

from etl.dates import (Period, deposit_month_before_eif, eif_after_deposit, format_period, parse_official_date,
                       parse_period)


@pytest.mark.parametrize("text,start,end,precision", [
    ("2013-10-24", date(2013, 10, 24), date(2013, 10, 24), "day"),
    ("2013-10", date(2013, 10, 1), date(2013, 10, 31), "month"),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "month"),
    ("2015", date(2015, 1, 1), date(2015, 12, 31), "year"),
    ("2010-05-21/2011-12-31", date(2010, 5, 21), date(2011, 12, 31), "range"),
    ("", None, None, "unknown"),
])
def test_parse_period(text, start, end, precision):
    assert parse_period(text) == Period(start, end, precision)


@pytest.mark.parametrize("text,precision", [("2013-13", None), ("31/12/2013", None), ("2013-02-30", None),
                                            ("2011-12-31/2010-01-01", None), ("2013-10", "day"), ("", "day")])
def test_parse_period_refuses(text, precision):
    with pytest.raises(ValueError):
        parse_period(text, precision)


@pytest.mark.parametrize("deposit,eif", [
    (date(2011, 2, 25), date(2011, 6, 1)),   # Austria
    (date(2013, 1, 3), date(2013, 5, 1)),    # Italy
    (date(2016, 3, 1), date(2016, 7, 1)),    # Slovakia: deposit on the 1st
    (date(2012, 8, 23), date(2012, 12, 1)),  # Portugal
    (date(2011, 9, 30), date(2012, 1, 1)),   # across the year end
    (date(2019, 10, 15), date(2020, 2, 1)),  # Tunisia
])
def test_entry_into_force_rule(deposit, eif):
    assert eif_after_deposit(deposit, 3) == eif
    back = deposit_month_before_eif(eif, 3)
    assert back.start <= deposit <= back.end and back.precision == "month"


@pytest.mark.parametrize("value,expected", [
    ("2011-09-21", date(2011, 9, 21)), ("2011-09-21T00:00:00", date(2011, 9, 21)),
    ("2011-09-21T00:00:00Z", date(2011, 9, 21)), ("21/09/2011", date(2011, 9, 21)), ("1/7/2010", date(2010, 7, 1)),
    ("", None), (None, None),
])
def test_official_dates(value, expected):
    assert parse_official_date(value) == expected


@pytest.mark.parametrize("value", ["21 Sept 2011", "2011/09/21", "/Date(1316563200000)/", "32/01/2011"])
def test_official_dates_refused(value):
    with pytest.raises(ValueError):
        parse_official_date(value)


def test_format_period():
    assert format_period(parse_period("2015")) == "2015"
    assert format_period(parse_period("2010-03")) == "2010-03"
    assert format_period(parse_period("2010-05-21/2011-12-31")) == "2010-05-21 to 2011-12-31"
    assert format_period(parse_period("")) == "unknown"
