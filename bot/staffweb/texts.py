"""The staff pages' own words, Mandarin first and English second (/staff/login, the shared
frame; /desk's words are in desk_texts.py)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "zh": {
        "brand": "乐龄伴学 · 工作台",
        "skip": "跳到正文",
        "signed_in_as": "已登录：{who}",
        "role_admin": "管理员",
        "role_volunteer": "志愿者",
        "logout": "退出登录",
        "login_title": "志愿者和管理员登录",
        "login_intro": "第一次来：请输入管理员给您的邀请码。",
        "login_code": "邀请码（8 位字母和数字）",
        "login_name": "您的称呼（可以不填，例如：小王）",
        "login_submit": "用邀请码登录",
        "login_link_intro": "已经是志愿者或管理员：在 Telegram 里给乐龄发 /weblogin，"
        "点开收到的链接就能登录（链接 10 分钟内有效，只能用一次）。",
        "login_link_title": "用登录链接登录",
        "login_link_button": "登录",
        "login_link_explain": "点下面的按钮登录工作台。",
        "bad_code": "这个邀请码不对，或者已经用过了。请核对后再输入，或向管理员要一个新的。",
        "empty_code": "请输入邀请码。",
        "bad_link": "这个登录链接已经用过或者过期了。请在 Telegram 里再发一次 /weblogin。",
        "not_staff": "这个账号现在不是志愿者，也不是管理员，所以不能进入工作台。"
        "如有疑问，请联系管理员。",
        "too_fast": "尝试次数太多了，请过一分钟再试。",
        "stale": "页面已经过期（为了安全）。请返回，刷新页面后再试一次。",
        "forbidden_title": "不能打开这个页面",
        "admins_only": "这个页面只有管理员能打开。",
        "back_desk": "回到工作台",
        "logged_out": "您已退出登录。",
        "too_long": "太长了：最多 {n} 个字。",
        "weblogin_link": "这是您登录网页工作台的链接（10 分钟内有效，只能用一次，请不要转给别人）：\n{url}",
        "weblogin_refused": "网页工作台只给志愿者和管理员用。如果您想当志愿者，请向管理员要邀请码。",
    },
    "en": {
        "brand": "Leling · Staff console",
        "skip": "Skip to the content",
        "signed_in_as": "Signed in: {who}",
        "role_admin": "Admin",
        "role_volunteer": "Volunteer",
        "logout": "Sign out",
        "login_title": "Sign in for volunteers and admins",
        "login_intro": "First time here: enter the invite code your admin gave you.",
        "login_code": "Invite code (8 letters and digits)",
        "login_name": "Your name (optional, e.g. Wang)",
        "login_submit": "Sign in with the code",
        "login_link_intro": "Already a volunteer or admin: send /weblogin to Leling on Telegram and "
        "open the link you get (valid 10 minutes, once).",
        "login_link_title": "Sign in with your link",
        "login_link_button": "Sign in",
        "login_link_explain": "Press the button to sign in to the console.",
        "bad_code": "That invite code is wrong or already used. Check it and try again, or ask "
        "your admin for a new one.",
        "empty_code": "Please enter the invite code.",
        "bad_link": "This sign-in link was already used or has expired. Send /weblogin on "
        "Telegram again.",
        "not_staff": "This account is not a volunteer or an admin now, so it cannot open the "
        "console. Please ask your admin.",
        "too_fast": "Too many attempts; please wait a minute and try again.",
        "stale": "The page has expired (for safety). Go back, reload the page and try again.",
        "forbidden_title": "This page is not available",
        "admins_only": "Only admins can open this page.",
        "back_desk": "Back to the console",
        "logged_out": "You are signed out.",
        "too_long": "Too long: at most {n} characters.",
        "weblogin_link": "Your link to the web console (valid 10 minutes, once; please do not "
        "share it):\n{url}",
        "weblogin_refused": "The web console is for volunteers and admins. To become a volunteer, "
        "ask an admin for an invite code.",
    },
}


def text(lang: str, key: str, **fields) -> str:
    """One sentence in `lang` ("zh" when unknown), with its fields filled in."""
    words = TEXTS.get(lang) or TEXTS["zh"]
    value = words.get(key) or TEXTS["zh"][key]
    return value.format(**fields) if fields else value
