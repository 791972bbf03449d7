"""GCJ-02 → WGS-84 against known points."""

from __future__ import annotations

import math

from bot.channels.wechat_geo import gcj02_to_wgs84, wgs84_to_gcj02


def metres(a, b) -> float:
    lat = math.radians((a[0] + b[0]) / 2)
    dy = (a[0] - b[0]) * 111_320
    dx = (a[1] - b[1]) * 111_320 * math.cos(lat)
    return math.hypot(dx, dy)


def test_tiananmen_known_offset():
    # Tiananmen Square: WGS-84 39.9087, 116.3975 is shown on GCJ-02 maps about 0.0014° N and
    # 0.0062° E of it (the published transform's value for central Beijing).
    gcj = wgs84_to_gcj02(39.9087, 116.3975)
    assert abs(gcj[0] - 39.9101) < 0.0003
    assert abs(gcj[1] - 116.4037) < 0.0003
    assert 500 < metres(gcj, (39.9087, 116.3975)) < 700  # Beijing's shift is ~600 m


def test_round_trip_is_under_a_metre_across_beijing():
    for point in [(39.9087, 116.3975), (39.99, 116.31), (39.75, 116.65), (40.2, 116.2)]:
        back = gcj02_to_wgs84(*wgs84_to_gcj02(*point))
        assert metres(back, point) < 1.0


def test_outside_china_unchanged():
    assert gcj02_to_wgs84(51.5, -0.12) == (51.5, -0.12)
    assert wgs84_to_gcj02(35.68, 139.76) == (35.68, 139.76)
