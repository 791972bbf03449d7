"""The shipped sample catalogue covers what issue #2 promises operators and users."""

import re
from collections import Counter
from datetime import datetime, timedelta

from content.districts import BY_NAME, DISTRICTS
from content.schedule import TZ

GUIDE_IDS = {
    "wechat_video_call",
    "wechat_care_mode",
    "scan_to_pay",
    "hospital_appointment",
    "taxi_hailing",
    "enlarge_font",
    "anti_fraud_app",
    "send_photo",
    "connect_wifi",
    "medical_insurance_code",
    "voice_input",
    "online_lecture",
}


def test_centers_cover_every_district(catalogue):
    centers = list(catalogue.centers.values())
    assert len(centers) >= 48
    assert any(c.name == "北京老年开放大学" for c in centers)
    for d in DISTRICTS:
        mine = [c for c in centers if c.district == d.name]
        assert sum(c.kind == "elder_university" for c in mine) >= 1, d.name
        assert (
            sum(c.kind in ("leling_center", "community_school", "community_college") for c in mine)
            >= 2
        ), d.name
        assert all(d.contains(c.lat, c.lon) for c in mine), d.name
    assert sum(c.kind == "family_education_center" for c in centers) >= 6
    assert all(c.hours and c.phone and c.services and c.name_en for c in centers)


def test_lectures_cover_topics_audiences_modes(catalogue):
    lectures = list(catalogue.lectures.values())
    assert len(lectures) >= 24
    assert any(x.schedule and "首都家庭教育大讲堂" in x.title.zh for x in lectures)
    topics = Counter(t for x in lectures for t in x.topics)
    for t in ("亲子沟通", "青春期", "隔代教育", "幼小衔接", "网络素养", "家风", "学习习惯"):
        assert topics[t] >= 1, t
    audiences = {a for x in lectures for a in x.audience}
    assert {"祖辈", "小学", "初中", "3-6岁"} <= audiences
    assert any(x.online_url and not x.center for x in lectures)
    assert any(x.center and not x.online_url for x in lectures)
    assert sum(x.status == "cancelled" for x in lectures) >= 2
    assert all(x.title.en and x.title.zh for x in lectures)


def test_the_series_never_go_stale(catalogue):
    # Whatever today is, the next fortnight has lectures (series are open-ended or long).
    now = datetime(2026, 11, 29, tzinfo=TZ)
    assert catalogue.lectures_between(now, now + timedelta(days=14))


def test_lessons_cover_districts_and_apps(catalogue):
    lessons = list(catalogue.lessons.values())
    assert len(lessons) >= 30
    apps = Counter(a for x in lessons for a in x.apps)
    for app in ("微信", "支付宝", "北京114预约挂号", "滴滴", "国家反诈中心", "医保电子凭证"):
        assert apps[app] >= 2, app
    districts = {catalogue.centers[x.center].district for x in lessons}
    assert len(districts) >= 12


def test_guides_are_the_twelve_and_well_formed(catalogue):
    assert set(catalogue.guides) == GUIDE_IDS
    for g in catalogue.guides.values():
        assert 4 <= len(g.steps) <= 10, g.id
        assert sum(1 for s in g.steps if s.tip) >= 1, g.id
        assert len(g.aliases.zh) >= 3 and len(g.aliases.en) >= 1, g.id
        for s in g.steps:
            assert s.text.zh and s.text.en


def test_no_guide_step_asks_for_a_code_for_someone_else_or_a_transfer(catalogue):
    # Giving a code to someone, or moving money, may only ever be mentioned as a warning.
    share_code = re.compile(
        r"验证码.*(告诉|发给|给对方|念给|报给|说给)|(告诉|发给|念给|报给).*验证码"
    )
    money = re.compile(r"转账|汇款|打钱")
    negation = re.compile(r"不要|别|不会|绝不|千万|不给|不说|不能|不可|骗")
    checked = 0
    for g in catalogue.guides.values():
        for s in g.steps:
            for part in (s.text, s.tip, s.hint):
                for sentence in re.split(r"[。！？!?]", part.zh if part else ""):
                    if share_code.search(sentence) or money.search(sentence):
                        checked += 1
                        assert negation.search(sentence), (g.id, sentence)
    assert checked >= 2  # the anti-fraud and payment guides do warn


def test_landmarks_cover_the_city(catalogue):
    landmarks = list(catalogue.landmarks.values())
    assert len(landmarks) >= 150
    per_district = Counter(lm.district for lm in landmarks)
    assert set(per_district) == set(BY_NAME)
    for lm in landmarks:
        assert BY_NAME[lm.district].contains(lm.lat, lm.lon), lm.name
