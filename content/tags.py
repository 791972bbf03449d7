"""The documented tag vocabularies of the catalogue.

Tags are stored in Chinese (they double as the NLU entity canonical values); each has an English
label for replies in English. Validation rejects a tag that is not listed here, so a typo in a
spreadsheet cannot silently hide a centre from a search. To add a tag, add it here and to
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
