"""The documented tag vocabularies of the catalogue.

Tags are stored in Chinese (they double as the NLU entity canonical values); each has an English
label for replies in English. A district office writes tags the way people say them (太极拳, 国画,
挂号), so `SYNONYMS` maps common variants to the listed tags when a catalogue is read (a folder's
own `synonyms.csv` adds to it). A `services`/`topics`/`audience` tag that is still not listed is a
warning, not an error: the row imports and the tag is kept and searchable as written. Apps stay
strict (guides and lessons link through them). To add a tag, add it here and to
`content/data/README.md`.
"""

from __future__ import annotations

# Center services (centers.csv `services`).
SERVICES: dict[str, str] = {
    "智能手机": "smartphone skills",
    "电脑": "computers",
    "书法": "calligraphy",
    "绘画": "painting",
    "摄影": "photography",
    "合唱": "choir",
    "声乐": "singing",
    "乐器": "musical instruments",
    "舞蹈": "dance",
    "太极": "tai chi",
    "戏曲": "Chinese opera",
    "手工": "handicrafts",
    "养生保健": "health and wellbeing",
    "英语": "English",
    "读书": "reading club",
    "防诈骗": "fraud prevention",
    "家庭教育": "family education",
    "心理咨询": "counselling",
    "法律咨询": "legal advice",
    "志愿服务": "volunteering",
}

# Lecture and lesson topics (lectures.yaml / lessons.yaml `topics`).
TOPICS: dict[str, str] = {
    # family education
    "亲子沟通": "parent-child communication",
    "青春期": "adolescence",
    "隔代教育": "grandparenting",
    "幼小衔接": "starting primary school",
    "网络素养": "digital literacy for children",
    "家风": "family values",
    "学习习惯": "study habits",
    "心理健康": "mental health",
    "安全教育": "child safety",
    "家校共育": "home-school cooperation",
    "家庭教育": "family education",
    # digital skills
    "智能手机": "smartphone basics",
    "移动支付": "mobile payment",
    "防诈骗": "fraud prevention",
    "就医挂号": "hospital appointments",
    "出行打车": "getting a taxi",
    "拍照": "taking photos",
    "视频通话": "video calls",
    "语音输入": "voice input",
    "健康码": "health and insurance codes",
    "网上学习": "learning online",
}

# Lecture audiences (lectures.yaml `audience`).
AUDIENCES: dict[str, str] = {
    "0-3岁": "parents of 0–3 year olds",
    "3-6岁": "parents of 3–6 year olds",
    "小学": "parents of primary pupils",
    "初中": "parents of middle-school pupils",
    "高中": "parents of high-school pupils",
    "祖辈": "grandparents",
    "家长": "all parents",
}

# Apps taught by guides and lessons (`apps`).
APPS: dict[str, str] = {
    "微信": "WeChat",
    "支付宝": "Alipay",
    "北京114预约挂号": "Beijing 114 hospital booking",
    "滴滴": "DiDi",
    "国家反诈中心": "National Anti-Fraud Center",
    "医保电子凭证": "medical insurance code",
    "相机": "camera",
    "输入法": "keyboard / voice input",
    "设置": "phone settings",
    "学习强国": "Xuexi Qiangguo",
    "抖音": "Douyin",
}

# Center kinds (centers.csv `kind`) with their Chinese and English labels.
KINDS: dict[str, tuple[str, str]] = {
    "elder_university": ("老年大学", "elder university"),
    "leling_center": ("乐龄学习中心", "Leling learning center"),
    "community_college": ("社区学院", "community college"),
    "community_school": ("社区学校", "community school"),
    "family_education_center": ("家庭教育指导服务中心", "family education center"),
}

LEVELS = ("入门", "进阶")

# Variant → the listed tag(s) it means. A variant maps to the first of its targets that the field
# knows (心理 is 心理咨询 among services, 心理健康 among topics). Keep in step with the table in
# content/data/README.md.
SYNONYMS: dict[str, tuple[str, ...]] = {
    # services
    "太极拳": ("太极",),
    "太极剑": ("太极",),
    "国画": ("绘画",),
    "油画": ("绘画",),
    "水彩": ("绘画",),
    "美术": ("绘画",),
    "画画": ("绘画",),
    "剪纸": ("手工",),
    "编织": ("手工",),
    "手机": ("智能手机",),
    "计算机": ("电脑",),
    "唱歌": ("声乐",),
    "合唱团": ("合唱",),
    "古筝": ("乐器",),
    "葫芦丝": ("乐器",),
    "电子琴": ("乐器",),
    "跳舞": ("舞蹈",),
    "广场舞": ("舞蹈",),
    "京剧": ("戏曲",),
    "评剧": ("戏曲",),
    "养生": ("养生保健",),
    "保健": ("养生保健",),
    "中医养生": ("养生保健",),
    "外语": ("英语",),
    "阅读": ("读书",),
    "读书会": ("读书",),
    "反诈": ("防诈骗",),
    "反诈骗": ("防诈骗",),
    "防骗": ("防诈骗",),
    "诈骗": ("防诈骗",),
    "家教": ("家庭教育",),
    "心理": ("心理咨询", "心理健康"),
    "法律": ("法律咨询",),
    "普法": ("法律咨询",),
    "志愿者": ("志愿服务",),
    "摄像": ("摄影",),
    # topics
    "挂号": ("就医挂号",),
    "预约挂号": ("就医挂号",),
    "就医": ("就医挂号",),
    "看病": ("就医挂号",),
    "打车": ("出行打车",),
    "叫车": ("出行打车",),
    "网约车": ("出行打车",),
    "出行": ("出行打车",),
    "支付": ("移动支付",),
    "手机支付": ("移动支付",),
    "扫码支付": ("移动支付",),
    "视频": ("视频通话",),
    "视频聊天": ("视频通话",),
    "语音": ("语音输入",),
    "网课": ("网上学习",),
    "在线学习": ("网上学习",),
    "健康宝": ("健康码",),
    "医保码": ("健康码",),
    "亲子": ("亲子沟通",),
    "青少年": ("青春期",),
    "隔代": ("隔代教育",),
    "幼升小": ("幼小衔接",),
    "家风家训": ("家风",),
    # audiences
    "幼儿园": ("3-6岁",),
    "学前": ("3-6岁",),
    "婴幼儿": ("0-3岁",),
    "托育": ("0-3岁",),
    "小学生": ("小学",),
    "初中生": ("初中",),
    "高中生": ("高中",),
    "爷爷奶奶": ("祖辈",),
    "祖父母": ("祖辈",),
    "父母": ("家长",),
}


def canonical(value: str, vocab, extra: dict[str, tuple[str, ...]] | None = None) -> str:
    """The listed tag `value` stands for in a field whose tags are `vocab`: itself when listed,
    else the first target of its synonym (the folder's own `extra` first) that `vocab` knows,
    else `value` unchanged (kept, and warned about by the validator)."""
    if value in vocab:
        return value
    for table in (extra or {}, SYNONYMS):
        for target in table.get(value, ()):
            if target in vocab:
                return target
    return value
