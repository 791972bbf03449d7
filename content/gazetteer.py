"""The name lists handed to the NLU: entity → canonical value → aliases.

`from_catalogue(data)` takes the loaded catalogue's streets (from its centers), landmarks and
guides, plus the fixed vocabularies in `content.districts` and `content.tags`, and adds the
English and colloquial aliases below. The NLU never imports this module: `bot.app.open_parser`
builds the gazetteer from the catalogue in the database and hands it to `nlu.load_parser`, so
after `leling content import DIR` a new street, landmark or guide alias is recognised (the
gazetteer is part of the model's fingerprint, so the model retrains once).

    >>> gaz = build(Path("content/data"))
    >>> gaz["district"]["朝阳区"][:3]
    ['朝阳区', '朝阳', 'Chaoyang']
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from content.districts import DISTRICTS
from content.schema import Center, Guide, Landmark
from content.spatial import CenterTable
from content.tags import APPS, AUDIENCES, KINDS, SERVICES, TOPICS
from content.validate import CatalogueData, read_catalogue_dir

Gazetteer = dict[str, dict[str, list[str]]]

ENTITIES = ("district", "street", "landmark", "topic", "app", "guide", "kind", "audience", "mode")

STREET_SUFFIXES = ("街道办事处", "街道", "地区", "镇", "乡")

# Colloquial and English aliases, keyed by canonical value.
APP_ALIASES: dict[str, list[str]] = {
    "微信": ["wechat", "weixin", "we chat", "vx"],
    "支付宝": ["alipay", "zhifubao", "ali pay"],
    "北京114预约挂号": ["114预约挂号", "114挂号平台", "北京114", "京医通", "114 app"],
    "滴滴": ["didi", "滴滴出行", "滴滴打车"],
    "国家反诈中心": ["反诈中心", "反诈app", "反诈APP", "国家反诈中心app", "anti-fraud app"],
    "医保电子凭证": [
        "医保码",
        "电子医保卡",
        "医保电子码",
        "电子医保",
        "医保凭证",
        "medical insurance code",
    ],
    "相机": ["照相机", "camera", "camera app"],
    "输入法": ["键盘", "keyboard", "input method"],
    "设置": ["settings", "手机设置", "设置里"],
    "学习强国": ["xuexi qiangguo", "强国app"],
    "抖音": ["douyin", "tiktok", "tik tok", "抖音短视频"],
}

TOPIC_ALIASES: dict[str, list[str]] = {
    "智能手机": ["智能机", "smartphone", "smartphones", "smart phone", "mobile phone"],
    "电脑": ["计算机", "computer", "computers"],
    "书法": ["毛笔字", "写毛笔字", "硬笔书法", "calligraphy"],
    "绘画": ["画画", "国画", "画画儿", "painting", "drawing"],
    "摄影": ["照相技术", "photography"],
    "合唱": ["合唱团", "choir"],
    "声乐": ["唱歌", "singing"],
    "乐器": ["弹琴", "二胡", "葫芦丝", "musical instruments", "musical instrument"],
    "舞蹈": ["跳舞", "广场舞", "dance", "dancing"],
    "太极": ["太极拳", "打太极", "tai chi", "taichi", "tai-chi"],
    "戏曲": ["京剧", "唱戏", "听戏", "chinese opera", "peking opera", "opera"],
    "手工": ["做手工", "handicrafts", "handicraft", "crafts"],
    "养生保健": ["养生", "保健", "wellbeing", "health and wellbeing"],
    "英语": ["学英语", "english class", "english classes", "english lessons"],
    "读书": ["读书会", "看书", "reading club", "book club", "reading"],
    "防诈骗": [
        "反诈骗",
        "防骗",
        "防止被骗",
        "电信诈骗",
        "诈骗",
        "fraud prevention",
        "fraud",
        "scam",
        "scams",
    ],
    "家庭教育": ["家教", "family education"],
    "心理咨询": ["心理辅导", "counselling", "counseling"],
    "法律咨询": ["法律援助", "legal advice"],
    "志愿服务": ["做志愿者", "volunteering"],
    "亲子沟通": [
        "跟孩子沟通",
        "和孩子沟通",
        "亲子关系",
        "parent-child communication",
        "talking with children",
        "talking to kids",
    ],
    "青春期": ["叛逆期", "青春期孩子", "adolescence", "teenagers", "teens", "puberty"],
    "隔代教育": ["带孙子", "带孙女", "带外孙", "隔代养育", "grandparenting"],
    "幼小衔接": ["上小学准备", "starting primary school", "starting school"],
    "网络素养": ["网瘾", "沉迷手机", "玩游戏上瘾", "digital literacy", "screen time"],
    "家风": ["家风家教", "family values"],
    "学习习惯": ["写作业拖拉", "study habits", "homework habits"],
    "心理健康": ["心理问题", "mental health"],
    "安全教育": ["儿童安全", "child safety", "safety education"],
    "家校共育": ["家校合作", "家校沟通", "home-school cooperation"],
    "移动支付": ["手机支付", "扫码付款", "手机付钱", "mobile payment", "mobile payments"],
    "就医挂号": ["看病挂号", "网上挂号", "hospital appointments", "hospital appointment"],
    "出行打车": ["打车", "叫车", "打出租车", "taxi", "getting a taxi", "ride hailing"],
    "拍照": ["照相", "拍照片", "take photos", "taking photos", "photos"],
    "视频通话": ["视频聊天", "打视频", "视频电话", "video call", "video calls", "video chat"],
    "语音输入": ["语音打字", "说话打字", "用说话代替打字", "voice input", "voice typing"],
    "健康码": ["health code", "health codes"],
    "网上学习": ["上网课", "网课", "online learning", "online courses"],
}

KIND_ALIASES: dict[str, list[str]] = {
    "elder_university": [
        "老年大学",
        "老年开放大学",
        "老年学校",
        "老干部大学",
        "老年电视大学",
        "elder university",
        "senior university",
        "university for seniors",
        "university for the elderly",
        "seniors university",
    ],
    "leling_center": [
        "乐龄学习中心",
        "乐龄中心",
        "乐龄学堂",
        "老年学习中心",
        "老年学习示范校",
        "leling center",
        "leling learning center",
    ],
    "community_college": ["社区学院", "社区大学", "community college"],
    "community_school": ["社区学校", "社区教育学校", "社区老年学校", "community school"],
    "family_education_center": [
        "家庭教育指导服务中心",
        "家庭教育指导中心",
        "家庭教育服务中心",
        "家长学校",
        "family education center",
        "family education centre",
        "parenting center",
    ],
}

AUDIENCE_ALIASES: dict[str, list[str]] = {
    "0-3岁": ["0到3岁", "3岁以下", "婴幼儿", "婴儿", "toddlers", "babies", "under 3"],
    "3-6岁": ["3到6岁", "幼儿园", "学龄前", "preschool", "kindergarten", "preschoolers"],
    "小学": ["小学生", "primary school", "primary pupils", "elementary school"],
    "初中": ["初中生", "middle school", "junior high"],
    "高中": ["高中生", "high school", "senior high"],
    "祖辈": ["爷爷奶奶", "姥姥姥爷", "祖父母", "隔辈", "grandparents", "grandparent"],
    "家长": ["家长们"],
}

MODE_ALIASES: dict[str, list[str]] = {
    "online": ["线上", "网上", "直播", "网络直播", "online", "live stream", "livestream"],
    "offline": ["线下", "现场", "面对面", "到现场", "offline", "in person", "in-person"],
}

# Old district names merged in 2010/2015 and county-era names people still say.
DISTRICT_EXTRA: dict[str, list[str]] = {
    "东城区": ["崇文区", "崇文"],
    "西城区": ["宣武区", "宣武"],
    "密云区": ["密云县"],
    "延庆区": ["延庆县"],
}


def _add(table: dict[str, list[str]], value: str, *aliases: str | None) -> None:
    """Append aliases to `value`, keeping order and dropping blanks and duplicates."""
    entry = table.setdefault(value, [])
    for alias in aliases:
        alias = (alias or "").strip()
        if alias and alias not in entry:
            entry.append(alias)


def _strip_street(name: str) -> str:
    for suffix in STREET_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _districts(gaz: Gazetteer) -> None:
    table = gaz["district"]
    for d in DISTRICTS:
        _add(table, d.name, d.name, d.short, d.en, f"{d.en} district", d.slug, f"{d.slug} qu")
        _add(table, d.name, *DISTRICT_EXTRA.get(d.name, []))


def _street_names(centers: Iterable[Center]) -> list[str]:
    """The centers' streets; from a CenterTable (the catalogue as loaded from the database) its
    street column, so no Center has to be built for it."""
    if isinstance(centers, CenterTable):
        return list(centers.street.names)
    return [center.street for center in centers]


def _streets(gaz: Gazetteer, centers: Iterable[Center]) -> None:
    """Streets by catalogue name and without 街道/镇 — unless the short form names a district."""
    district_names = {a.lower() for aliases in gaz["district"].values() for a in aliases}
    for name in _street_names(centers):
        street = name.strip()
        if street:
            short = _strip_street(street)
            _add(gaz["street"], street, street, None if short in district_names else short)


def _landmarks(gaz: Gazetteer, landmarks: Iterable[Landmark]) -> None:
    for landmark in landmarks:
        _add(gaz["landmark"], landmark.name, landmark.name, *landmark.aliases)


def _guides(gaz: Gazetteer, guides: Iterable[Guide]) -> None:
    for guide in guides:
        names = [guide.title.zh, guide.title.en, *guide.aliases.zh, *guide.aliases.en]
        _add(gaz["guide"], guide.id, *names)


def _vocabularies(gaz: Gazetteer) -> None:
    for tag, label in {**SERVICES, **TOPICS}.items():
        _add(gaz["topic"], tag, tag, *TOPIC_ALIASES.get(tag, []), label)
    for app, label in APPS.items():
        _add(gaz["app"], app, app, *APP_ALIASES.get(app, []), label)
    for kind, (zh, en) in KINDS.items():
        _add(gaz["kind"], kind, zh, *KIND_ALIASES.get(kind, []), en)
    for audience in AUDIENCES:
        _add(gaz["audience"], audience, audience, *AUDIENCE_ALIASES.get(audience, []))
    for mode, aliases in MODE_ALIASES.items():
        _add(gaz["mode"], mode, *aliases)


def from_catalogue(data: CatalogueData) -> Gazetteer:
    """Entity → canonical value → aliases for one catalogue (`Catalogue.data`, as loaded from
    the database, or a folder read by `content.validate.read_catalogue_dir`).

    The canonical value is always the first alias for Chinese-named values (districts, streets,
    landmarks, topics, apps). Toneless-pinyin spellings of street and landmark names
    ("wangjing") are added by the NLU when it trains, not here.
    """
    gaz: Gazetteer = {name: {} for name in ENTITIES}
    _districts(gaz)
    _streets(gaz, data.centers)
    _landmarks(gaz, data.landmarks)
    _guides(gaz, data.guides)
    _vocabularies(gaz)
    return gaz


def build(catalogue_dir: Path) -> Gazetteer:
    """The gazetteer of the catalogue folder `catalogue_dir` (tests and benchmarks; the service
    and the CLI use the catalogue in the database, `bot.app.open_parser`). Rows with errors and
    missing files are left out, so a partial folder still yields districts, tags and aliases."""
    data, _ = read_catalogue_dir(catalogue_dir)
    return from_catalogue(data)
