"""Catalogue queries: nearest centers, landmarks, lectures, lessons, guides."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from content.catalogue import Catalogue, haversine_m
from content.schedule import TZ, holiday_name, is_public_holiday, occurrences
from content.schema import Center, Schedule
from content.validate import CatalogueData


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def test_haversine_known_distance():
    # Tiananmen to the Temple of Heaven's centre is about 3.0 km.
    assert haversine_m(39.9087, 116.3975, 39.8822, 116.4066) == pytest.approx(3050, rel=0.03)


def test_nearest_matches_brute_force_on_random_points(catalogue):
    rng = random.Random(7)
    for _ in range(200):
        lat, lon = rng.uniform(39.5, 40.9), rng.uniform(115.6, 117.4)
        brute = sorted(
            catalogue.centers.values(), key=lambda c: (haversine_m(lat, lon, c.lat, c.lon), c.id)
        )
        hits = catalogue.nearest_centers(lat, lon, 5)
        assert [h.center.id for h in hits] == [c.id for c in brute[:5]]
        assert [round(h.distance_m) for h in hits] == [
            round(haversine_m(lat, lon, c.lat, c.lon)) for c in brute[:5]
        ]


def test_nearest_among_ten_thousand_generated_centers_matches_brute_force():
    rng = random.Random(3)
    centers = [
        Center(
            id=f"c{i}",
            name=f"中心{i}",
            kind="leling_center",
            district="朝阳区",
            address="x",
            lat=rng.uniform(39.8, 40.1),
            lon=rng.uniform(116.39, 116.64),
        )
        for i in range(10_000)
    ]
    cat = Catalogue(CatalogueData(centers=centers))
    for _ in range(20):
        lat, lon = rng.uniform(39.8, 40.1), rng.uniform(116.39, 116.64)
        brute = sorted(centers, key=lambda c: haversine_m(lat, lon, c.lat, c.lon))[:5]
        assert [h.center.id for h in cat.nearest_centers(lat, lon, 5)] == [c.id for c in brute]


def test_paging_gives_the_next_three(catalogue):
    first = catalogue.nearest_centers(39.9087, 116.3975, 3)
    more = catalogue.nearest_centers(39.9087, 116.3975, 3, offset=3)
    six = catalogue.nearest_centers(39.9087, 116.3975, 6)
    assert [h.center.id for h in first + more] == [h.center.id for h in six]


def test_filters_by_kind_service_district_and_street(catalogue):
    lat, lon = 39.9087, 116.3975
    for h in catalogue.nearest_centers(lat, lon, 5, kind="family_education_center"):
        assert h.center.kind == "family_education_center"
    assert all(
        "书法" in h.center.services for h in catalogue.nearest_centers(lat, lon, 5, service="书法")
    )
    several = catalogue.nearest_centers(lat, lon, 10, kind=["elder_university", "leling_center"])
    assert {h.center.kind for h in several} <= {"elder_university", "leling_center"}
    hai = catalogue.centers_in("海淀", 10)
    assert hai and all(h.center.district == "海淀区" for h in hai)
    street = next(c.street for c in catalogue.centers.values() if c.district == "朝阳区")
    assert all(
        h.center.street == street
        for h in catalogue.nearest_centers(lat, lon, 5, street=street.removesuffix("街道"))
    )
    assert catalogue.nearest_centers(lat, lon, 5, service="no-such") == []
    assert catalogue.centers_in("Atlantis") == []


def _center_open(hours: str) -> Center:
    """A minimal center in 东城区 with these opening hours."""
    return Center(
        id="x",
        name="x",
        kind="leling_center",
        district="东城区",
        address="x",
        lat=39.9,
        lon=116.4,
        hours=hours,
    )


def test_open_now_uses_hours_and_public_holidays(catalogue):
    monday_10 = _at("2026-11-30T10:00")
    open_ones = catalogue.nearest_centers(39.9087, 116.3975, 5, open_at=monday_10)
    assert open_ones and all(catalogue.is_open(h.center, monday_10) for h in open_ones)
    midnight = _at("2026-11-30T03:00")
    assert catalogue.nearest_centers(39.9087, 116.3975, 5, open_at=midnight) == []
    weekday_hours = _center_open("Mo-Fr 08:30-17:00; PH off")
    assert Catalogue.is_open(weekday_hours, _at("2026-10-01T10:00")) is False  # National Day
    assert Catalogue.is_open(weekday_hours, _at("2026-10-09T10:00")) is True
    assert Catalogue.hours_today(weekday_hours, _at("2026-11-30T20:00")) == [("08:30", "17:00")]


def test_open_now_accepts_any_time_zone(catalogue):
    # 02:00 UTC is 10:00 in Beijing.
    c = _center_open("Mo-Fr 09:00-11:00")
    assert Catalogue.is_open(c, datetime(2026, 11, 30, 2, 0, tzinfo=UTC)) is True
    assert Catalogue.is_open(c, datetime(2026, 11, 30, 9, 0, tzinfo=UTC)) is False


def test_landmark_lookup(catalogue):
    tiantan = catalogue.find_landmark("天坛")
    assert tiantan is not None and tiantan.district == "东城区"
    assert catalogue.find_landmark("Temple of Heaven") == tiantan
    assert catalogue.find_landmark("天坛附近") == tiantan
    assert catalogue.find_landmark("北京南站").district == "丰台区"
    assert catalogue.find_landmark("xyzzy 不存在的地方") is None
    assert catalogue.find_landmark("") is None


def test_landmark_fuzzy_typo(catalogue):
    assert catalogue.find_landmark("wangfujing").name == catalogue.find_landmark("王府井").name
    assert catalogue.find_landmark("Wangfujng") == catalogue.find_landmark("王府井")


def test_lectures_in_a_window_expand_series_and_mark_cancelled(catalogue):
    start, end = _at("2026-11-29T00:00"), _at("2027-05-01T00:00")
    occ = catalogue.lectures_between(start, end)
    assert occ == sorted(occ, key=lambda o: (o.starts_at, o.id))
    series = [o for o in occ if o.item.schedule is not None]
    assert len({o.id for o in series}) >= 2 and len(series) > 20
    assert any(o.cancelled for o in occ)
    assert all(start <= o.starts_at < end for o in occ)
    without = catalogue.lectures_between(start, end, include_cancelled=False)
    assert not any(o.cancelled for o in without) and len(without) < len(occ)


def test_lecture_filters(catalogue):
    start, end = _at("2026-11-29T00:00"), _at("2027-05-01T00:00")
    teen = catalogue.lectures_between(start, end, topic="青春期")
    assert teen and all("青春期" in o.item.topics for o in teen)
    online = catalogue.lectures_between(start, end, online=True)
    assert online and all(o.item.online_url for o in online)
    offline = catalogue.lectures_between(start, end, online=False)
    assert offline and all(o.item.center for o in offline)
    cy = catalogue.lectures_between(start, end, district="朝阳区")
    assert cy and all(o.item.district in ("朝阳区", None) for o in cy)
    grand = catalogue.lectures_between(start, end, audience="祖辈")
    assert grand and all({"祖辈", "家长"} & set(o.item.audience) for o in grand)


def test_holidays_are_real_holidays_not_weekends():
    assert holiday_name(date(2026, 10, 1)) is not None
    assert is_public_holiday(date(2026, 1, 1))
    assert not is_public_holiday(date(2026, 11, 28))  # an ordinary Saturday
    assert not is_public_holiday(date(2026, 11, 30))


def test_lessons_skip_public_holidays_unless_they_say_otherwise():
    weekly_thu = {
        "rrule": "FREQ=WEEKLY;BYDAY=TH",
        "time": "09:30",
        "duration_minutes": 90,
        "start": "2026-09-01",
    }
    sched = Schedule(**weekly_thu)
    window = (_at("2026-09-24T00:00"), _at("2026-10-16T00:00"))
    days = [d.date() for d in occurrences(sched, *window)]
    assert date(2026, 10, 1) not in days and date(2026, 10, 8) in days
    keep = [d.date() for d in occurrences(sched, *window, skip_holidays=False)]
    assert date(2026, 10, 1) in keep


def test_sample_lesson_sessions_skip_national_day(catalogue):
    golden_week = catalogue.lesson_sessions(_at("2026-10-01T00:00"), _at("2026-10-08T00:00"))
    next_week = catalogue.lesson_sessions(_at("2026-10-12T00:00"), _at("2026-10-17T00:00"))
    assert len(next_week) > 20
    # Only the classes that say skip_holidays: false meet in the National Day week.
    assert golden_week and all(not o.item.skip_holidays for o in golden_week)


def test_asia_shanghai_has_no_daylight_saving_shift():
    sched = Schedule(
        rrule="FREQ=WEEKLY;BYDAY=MO", time="09:30", duration_minutes=60, start="2026-01-05"
    )
    times = occurrences(
        sched, _at("2026-01-01T00:00"), _at("2027-01-01T00:00"), skip_holidays=False
    )
    assert len(times) == 52
    assert {t.utcoffset() for t in times} == {timedelta(hours=8)}
    assert {(t.hour, t.minute) for t in times} == {(9, 30)}
    assert {t.astimezone(UTC).hour for t in times} == {1}


def test_windows_given_in_utc_are_understood(catalogue):
    # 2026-12-03T11:00Z .. 12:00Z is 19:00–20:00 Beijing: the 19:30 lecture that evening.
    occ = catalogue.lectures_between(
        datetime(2026, 12, 3, 11, tzinfo=UTC), datetime(2026, 12, 3, 12, tzinfo=UTC)
    )
    assert [o.starts_at.hour for o in occ] == [19] * len(occ) and occ


def test_schedule_until_and_exdates():
    sched = Schedule(
        rrule="FREQ=WEEKLY;BYDAY=SA",
        time="19:30",
        duration_minutes=90,
        start="2026-11-07",
        until="2026-12-12",
        exdates=["2026-11-21"],
    )
    days = [
        t.date().isoformat()
        for t in occurrences(sched, _at("2026-11-01T00:00"), _at("2027-01-01T00:00"))
    ]
    assert days == ["2026-11-07", "2026-11-14", "2026-11-28", "2026-12-05", "2026-12-12"]


def test_lessons_by_app_topic_district_and_next_session(catalogue):
    wechat = catalogue.lessons_matching(app="微信")
    assert len(wechat) >= 2 and all("微信" in x.apps for x in wechat)
    assert all(x.status != "cancelled" for x in catalogue.lessons_matching())
    les = wechat[0]
    nxt = catalogue.next_lesson_session(les, _at("2026-11-29T12:00"))
    assert nxt is not None and nxt > _at("2026-11-29T12:00")
    assert nxt.strftime("%H:%M") == les.schedule.time
    district = les.district
    assert les in catalogue.lessons_matching(app="微信", district=district)


def test_guides_by_id_and_alias(catalogue):
    g = catalogue.guide("wechat_video_call")
    assert g is not None
    assert catalogue.guide(g.aliases.zh[0]) == g
    assert catalogue.guide(g.aliases.en[0].upper()) == g
    assert catalogue.guide("no such thing") is None
    assert g in catalogue.guides_for_app("微信")
