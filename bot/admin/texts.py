"""The /admin console's own words, Mandarin first and English second.

`t(lang, key, **fields)`; a key missing in English falls back to Mandarin, a missing key raises
(tests/admin checks both languages have the same keys)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "zh": {
        "console": "管理台",
        "nav_home": "管理台首页",
        "nav_catalogue": "课程和地点目录",
        "nav_usage": "使用情况",
        "nav_nlu": "没听懂的话",
        "nav_desk": "工作台",
        "home_intro": "在这里更新目录（学习点、讲座、课程、指南），看乐龄的使用情况，"
        "把乐龄没听懂的话教给它。",
        # catalogue
        "cat_title": "课程和地点目录",
        "cat_now": "现在的目录",
        "cat_imported": "{when} 导入（来源：{source}）",
        "cat_none": "数据库里还没有目录。",
        "cat_counts": "{centers} 个学习点，{lectures} 场讲座，{lessons} 门课程，"
        "{guides} 个指南，{landmarks} 个地标",
        "cat_download": "下载现在的目录（zip）",
        "cat_upload_title": "上传新目录",
        "cat_upload_intro": "上传整个目录：选出文件夹里的所有文件，或者上传一个 zip。"
        "上传后先检查、再显示会有哪些变化；您确认后才会发布。",
        "cat_files": "目录里的文件（centers.csv、lectures.yaml、lessons.yaml、landmarks.csv、"
        "faq.yaml 等，可多选）",
        "cat_guides": "指南文件（guides 文件夹里的 .yaml，可多选）",
        "cat_zip": "或者：一个 zip 压缩包",
        "cat_upload_hint": "最大 {mb} MB。只使用认识的文件名，其他文件会被略过。",
        "cat_check": "上传并检查",
        "cat_history": "导入记录",
        "cat_history_none": "还没有导入记录。",
        "h_when": "时间",
        "h_who": "谁",
        "h_source": "来源",
        "h_changes": "变化",
        "h_counts": "条数",
        # review
        "rev_title": "检查结果",
        "rev_files": "收到的文件：{files}",
        "rev_skipped": "略过（不是目录文件）：{files}",
        "rev_errors": "有 {n} 个错误，这个目录不能发布。请改正下面的问题，再上传一次。"
        "现在的目录没有任何改动。",
        "rev_warnings": "{n} 个提醒（不影响发布）",
        "h_file": "文件",
        "h_row": "行",
        "h_id": "编号",
        "h_field": "字段",
        "h_problem": "问题",
        "rev_ok": "检查通过，可以发布。",
        "rev_diff": "发布后会有这些变化",
        "rev_no_changes": "和现在的目录完全一样，没有变化。",
        "d_added": "新增",
        "d_changed": "修改",
        "d_removed": "删除",
        "d_cancelled": "取消的活动",
        "t_centers": "学习点",
        "t_lectures": "讲座",
        "t_lessons": "课程",
        "t_guides": "指南",
        "t_landmarks": "地标",
        "rev_more": "……还有 {n} 个",
        "rev_notices": "会发出的通知",
        "rev_notices_none": "不会给订阅的人发通知。",
        "rev_notice_line": "{title}（{id}）{change}：通知 {people} 人",
        "change_cancelled": "取消了",
        "change_moved": "改了时间",
        "change_removed": "删除了",
        "rev_refused": "删除或取消得太多了：{why}。如果确实要这样，请在下面勾选确认。",
        "rev_confirm": "我知道这次会删除 {removed} 条、取消 {cancelled} 个活动，"
        "并通知 {people} 位订阅的人，确认发布。",
        "rev_publish": "发布这个目录",
        "rev_discard": "不要了，放弃这次上传",
        "rev_gone": "这次上传已经不在了（已经发布、已放弃，或者超过了 6 小时）。请重新上传。",
        "rev_need_confirm": "这次会删除或取消内容：请先勾选确认，再发布。",
        "rev_stale": "刚才有人发布了别的目录，变化已经按现在的目录重新算过。请再看一遍，然后发布。",
        "pub_done": "已发布：{summary}。乐龄会在 15 秒内开始使用新目录。",
        "pub_notices": "将给订阅的人发出 {n} 条通知（活动取消或改时间）。",
        "pub_failed": "没有发布，现在的目录没有改动：{why}",
        "back_catalogue": "回到目录页",
        "discarded": "已放弃这次上传，现在的目录没有改动。",
        # upload refusals
        "upload.none": "没有收到文件。请选择文件，或者选一个 zip。",
        "upload.both": "请只选一种：文件，或者 zip。",
        "upload.too_many": "文件太多（{n} 个，最多 {max} 个）。",
        "upload.twice": "{name} 出现了两次。每个文件只能上传一份。",
        "upload.file_too_big": "{name} 太大了（最多 {max} KB）。",
        "upload.zip_too_big": "zip 解压后太大了（最多 {max} MB）。",
        "upload.bad_zip": "这不是一个能打开的 zip 文件。",
        "upload.bad_entry": "zip 里的 {name} 打不开。",
        "upload.zip_slip": "zip 里有指向文件夹外面的路径（{name}），为了安全整个 zip 都没有使用。",
        "upload.nothing_known": "没有找到目录文件（centers.csv、lectures.yaml 等）。略过的：{skipped}",
        "upload.too_big": "上传的内容太大了（最多 {mb} MB）。",
        "upload.not_form": "上传的格式不对，请用本页的表单上传。",
    },
    "en": {
        "console": "Admin console",
        "nav_home": "Console home",
        "nav_catalogue": "Catalogue",
        "nav_usage": "Usage",
        "nav_nlu": "Not understood",
        "nav_desk": "Help desk",
        "home_intro": "Update the catalogue (centers, lectures, classes, guides), see how Leling "
        "is used, and teach it what it did not understand.",
        "cat_title": "Catalogue",
        "cat_now": "The catalogue now",
        "cat_imported": "imported {when} (from {source})",
        "cat_none": "There is no catalogue in the database yet.",
        "cat_counts": "{centers} centers, {lectures} lectures, {lessons} classes, {guides} guides, "
        "{landmarks} landmarks",
        "cat_download": "Download the catalogue (zip)",
        "cat_upload_title": "Upload a new catalogue",
        "cat_upload_intro": "Upload the whole catalogue: choose every file of the folder, or one "
        "zip. It is checked first, then you see what would change; nothing is published until "
        "you confirm.",
        "cat_files": "The folder's files (centers.csv, lectures.yaml, lessons.yaml, landmarks.csv, "
        "faq.yaml, …; choose several)",
        "cat_guides": "Guide files (the .yaml files in guides/; choose several)",
        "cat_zip": "Or: one zip file",
        "cat_upload_hint": "At most {mb} MB. Only known file names are used; others are skipped.",
        "cat_check": "Upload and check",
        "cat_history": "Imports",
        "cat_history_none": "No imports yet.",
        "h_when": "When",
        "h_who": "Who",
        "h_source": "From",
        "h_changes": "Changes",
        "h_counts": "Rows",
        "rev_title": "Check results",
        "rev_files": "Files received: {files}",
        "rev_skipped": "Skipped (not catalogue files): {files}",
        "rev_errors": "{n} error(s): this catalogue cannot be published. Fix the problems below "
        "and upload again. The current catalogue has not changed.",
        "rev_warnings": "{n} warning(s) (publishing is still possible)",
        "h_file": "File",
        "h_row": "Row",
        "h_id": "Id",
        "h_field": "Field",
        "h_problem": "Problem",
        "rev_ok": "No errors: this catalogue can be published.",
        "rev_diff": "What publishing would change",
        "rev_no_changes": "Identical to the current catalogue: nothing would change.",
        "d_added": "Added",
        "d_changed": "Changed",
        "d_removed": "Removed",
        "d_cancelled": "Cancelled events",
        "t_centers": "centers",
        "t_lectures": "lectures",
        "t_lessons": "classes",
        "t_guides": "guides",
        "t_landmarks": "landmarks",
        "rev_more": "… and {n} more",
        "rev_notices": "Notices that would go out",
        "rev_notices_none": "No subscriber would be notified.",
        "rev_notice_line": "{title} ({id}) {change}: {people} people notified",
        "change_cancelled": "cancelled",
        "change_moved": "moved",
        "change_removed": "removed",
        "rev_refused": "This removes or cancels a lot: {why}. If that is intended, confirm below.",
        "rev_confirm": "I understand this removes {removed} row(s), cancels {cancelled} event(s) "
        "and notifies {people} subscriber(s); publish it.",
        "rev_publish": "Publish this catalogue",
        "rev_discard": "Discard this upload",
        "rev_gone": "This upload is gone (published, discarded, or older than 6 hours). Please "
        "upload again.",
        "rev_need_confirm": "This removes or cancels content: tick the confirmation first.",
        "rev_stale": "Someone published another catalogue meanwhile; the changes were worked out "
        "again against it. Please look again, then publish.",
        "pub_done": "Published: {summary}. Leling uses the new catalogue within 15 seconds.",
        "pub_notices": "{n} notice(s) about cancelled or moved events will go to subscribers.",
        "pub_failed": "Not published; the current catalogue has not changed: {why}",
        "back_catalogue": "Back to the catalogue",
        "discarded": "The upload was discarded; the current catalogue has not changed.",
        "upload.none": "No file arrived. Choose the files, or one zip.",
        "upload.both": "Choose one kind only: the files, or a zip.",
        "upload.too_many": "Too many files ({n}; at most {max}).",
        "upload.twice": "{name} came twice. Upload each file once.",
        "upload.file_too_big": "{name} is too big (at most {max} KB).",
        "upload.zip_too_big": "The zip unpacks to too much (at most {max} MB).",
        "upload.bad_zip": "This is not a zip file that can be opened.",
        "upload.bad_entry": "{name} inside the zip cannot be opened.",
        "upload.zip_slip": "The zip has a path leading outside its folder ({name}); for safety "
        "none of it was used.",
        "upload.nothing_known": "No catalogue file (centers.csv, lectures.yaml, …) was found. "
        "Skipped: {skipped}",
        "upload.too_big": "The upload is too big (at most {mb} MB).",
        "upload.not_form": "The upload is not in the expected form; use this page's form.",
    },
}


def fill(texts: dict[str, dict[str, str]], lang: str, key: str, fields: dict) -> str | None:
    """The text `key` of `texts` in `lang` ("zh" or "en"; Mandarin where English lacks it),
    with `fields` filled in; None when there is no such text."""
    template = texts["en"].get(key) if lang == "en" else None
    template = template or texts["zh"].get(key)
    if template is None:
        return None
    return template.format(**fields) if fields else template


def t(lang: str, key: str, **fields) -> str:
    """The text `key` in `lang` ("zh" or "en"), with `fields` filled in."""
    text = fill(TEXTS, lang, key, fields)
    if text is None:
        raise KeyError(key)
    return text
