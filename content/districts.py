"""Beijing's 16 districts: names, aliases and coarse geography.

The bounding boxes are deliberately generous rectangles around each district. They catch a
centre filed under the wrong district or a latitude/longitude swap; they are not borders.
"""

from __future__ import annotations

from dataclasses import dataclass

# Beijing municipality, WGS-84, with a small margin.
BEIJING_BBOX = (39.40, 115.40, 41.10, 117.55)  # (min_lat, min_lon, max_lat, max_lon)


@dataclass(frozen=True)
class District:
    name: str  # canonical, with 区: 朝阳区
    short: str  # without 区: 朝阳
    en: str  # Chaoyang
    slug: str  # chaoyang (toneless pinyin; used in ids)
    lat: float  # district government seat, roughly
    lon: float
    bbox: tuple[float, float, float, float]  # (min_lat, min_lon, max_lat, max_lon)

    def contains(self, lat: float, lon: float) -> bool:
        """True when (lat, lon) falls inside this district's coarse rectangle."""
        a, b, c, d = self.bbox
        return a <= lat <= c and b <= lon <= d


DISTRICTS: tuple[District, ...] = (
    District(
        "东城区",
        "东城",
        "Dongcheng",
        "dongcheng",
        39.9285,
        116.4160,
        (39.85, 116.37, 39.98, 116.45),
    ),
    District(
        "西城区", "西城", "Xicheng", "xicheng", 39.9123, 116.3660, (39.86, 116.29, 39.98, 116.40)
    ),
    District(
        "朝阳区", "朝阳", "Chaoyang", "chaoyang", 39.9219, 116.4431, (39.81, 116.39, 40.10, 116.64)
    ),
    District(
        "海淀区", "海淀", "Haidian", "haidian", 39.9596, 116.2982, (39.88, 116.04, 40.16, 116.39)
    ),
    District(
        "丰台区", "丰台", "Fengtai", "fengtai", 39.8585, 116.2866, (39.77, 116.06, 39.90, 116.48)
    ),
    District(
        "石景山区",
        "石景山",
        "Shijingshan",
        "shijingshan",
        39.9056,
        116.2230,
        (39.87, 116.10, 39.99, 116.25),
    ),
    District(
        "门头沟区",
        "门头沟",
        "Mentougou",
        "mentougou",
        39.9404,
        116.1020,
        (39.82, 115.42, 40.18, 116.23),
    ),
    District(
        "房山区", "房山", "Fangshan", "fangshan", 39.7350, 116.1432, (39.50, 115.42, 39.95, 116.25)
    ),
    District(
        "通州区", "通州", "Tongzhou", "tongzhou", 39.9098, 116.6564, (39.58, 116.55, 40.03, 116.95)
    ),
    District(
        "顺义区", "顺义", "Shunyi", "shunyi", 40.1300, 116.6545, (40.00, 116.45, 40.30, 116.95)
    ),
    District(
        "昌平区",
        "昌平",
        "Changping",
        "changping",
        40.2207,
        116.2312,
        (40.02, 115.95, 40.42, 116.50),
    ),
    District(
        "大兴区", "大兴", "Daxing", "daxing", 39.7268, 116.3416, (39.43, 116.22, 39.86, 116.65)
    ),
    District(
        "怀柔区", "怀柔", "Huairou", "huairou", 40.3160, 116.6317, (40.18, 116.28, 41.05, 116.85)
    ),
    District(
        "平谷区", "平谷", "Pinggu", "pinggu", 40.1406, 117.1214, (40.00, 116.90, 40.38, 117.40)
    ),
    District("密云区", "密云", "Miyun", "miyun", 40.3762, 116.8430, (40.18, 116.65, 40.85, 117.50)),
    District(
        "延庆区", "延庆", "Yanqing", "yanqing", 40.4566, 115.9748, (40.25, 115.50, 40.75, 116.35)
    ),
)

BY_NAME: dict[str, District] = {d.name: d for d in DISTRICTS}


def district(name: str) -> District | None:
    """Look a district up by canonical name, short name, English name or slug (case-insensitive)."""
    key = name.strip().lower().removesuffix(" district")
    for d in DISTRICTS:
        if key in (d.name, d.short, d.en.lower(), d.slug):
            return d
    return None


def in_beijing(lat: float, lon: float) -> bool:
    """True when the point lies inside Beijing's bounding box."""
    a, b, c, d = BEIJING_BBOX
    return a <= lat <= c and b <= lon <= d
