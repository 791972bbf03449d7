"""The console's catalogue pages over real HTTP: upload → validation report and dry-run diff →
publish changes the database; a bad file is named by file, row and field and publishes nothing;
a zip-slip zip is refused whole; removals and cancellations need an explicit confirmation; the
history names who imported; the download is the catalogue as a zip."""

from __future__ import annotations

import html
import io
import zipfile

import yaml
from adminkit import ADMIN, admin, catalogue_copy, stage_of, zipped
from webkit import NOW

from content.load import load_catalogue
from scheduler.planning import plan_for_subscription
from store import audit, subscriptions, users
from store.catalogue import catalogue_meta, catalogue_version

LECTURE = "lec-dongcheng-teen-silence-1205"  # 2026-12-05, after the server's clock (12-04)
NEW_CENTER = (
    "lc-test-new,测试乐龄学习中心,Test Leling Center,leling_center,朝阳区,望京街道,"
    "北京市朝阳区望京街道测试路1号,39.99,116.47,010-12345678,Mo-Fr 09:00-17:00,书法,yes,\n"
)


def _edit_lectures(folder, fn) -> None:
    path = folder / "lectures.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    fn(items)
    path.write_text(yaml.safe_dump(items, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _subscribe(live, uid: str, lecture: str) -> None:
    users.get_or_create(live.db, uid)
    sub, _ = subscriptions.add(live.db, uid, "lecture", lecture)
    plan_for_subscription(live.db, load_catalogue(live.db), sub, NOW)


def _text(page) -> str:
    return html.unescape(page.text)


def test_upload_diff_publish_changes_the_database(live, tmp_path):
    folder = catalogue_copy(tmp_path / "cat")
    with (folder / "centers.csv").open("a", encoding="utf-8") as f:
        f.write(NEW_CENTER)
    _edit_lectures(folder, lambda items: items[0]["title"].update(zh="改过的讲座标题"))
    changed = yaml.safe_load((folder / "lectures.yaml").read_text(encoding="utf-8"))[0]["id"]
    a = admin(live)
    review = a.upload([("zip", "catalogue.zip", zipped(folder, {"README.txt": b"hi"}))])
    assert review.status_code == 200, review.text[:500]
    page = _text(review)
    assert "检查通过" in page and "README.txt" in page  # skipped, named
    assert "新增 · 学习点 (1)" in page and "lc-test-new" in page
    assert "修改 · 讲座 (1)" in page and changed in page
    assert "不会给订阅的人发通知" in page
    assert 'name="confirm"' not in page  # nothing removed or cancelled: no confirmation
    assert live.db["centers"].count == 57  # the dry run changed nothing

    posted = a.post("/admin/catalogue/publish", csrf=None, s=stage_of(review.text))
    assert posted.status_code == 303, posted.text[:500]
    assert posted.headers["location"] == "/admin/catalogue?published=1"
    done = a.http.get(posted.headers["location"])
    assert "已发布" in _text(done) and "centers +1 ~0 -0" in done.text
    assert live.db["centers"].count == 58
    row = live.db.execute("SELECT name FROM centers WHERE id = 'lc-test-new'").fetchone()
    assert row == ("测试乐龄学习中心",)
    assert catalogue_meta(live.db)["source"] == "/admin upload"
    imports = audit.entries(live.db, "content.import")
    assert imports[-1]["actor"] == ADMIN
    assert audit.entries(live.db, "admin.catalogue.publish")[-1]["actor"] == ADMIN
    history = _text(a.http.get("/admin/catalogue"))
    assert "/admin upload" in history and ADMIN in history and "centers +1 ~0 -0" in history
    # the staged upload is gone: publishing it again is refused kindly
    again = a.post("/admin/catalogue/publish", s=stage_of(review.text))
    assert again.status_code == 404 and "重新上传" in _text(again)
    a.close()


def test_cancelling_an_event_needs_confirmation_and_lists_the_notices(live, tmp_path):
    _subscribe(live, "telegram:501", LECTURE)
    _subscribe(live, "telegram:502", LECTURE)
    folder = catalogue_copy(tmp_path / "cat")
    _edit_lectures(
        folder,
        lambda items: next(x for x in items if x["id"] == LECTURE).update(status="cancelled"),
    )
    a = admin(live)
    review = a.upload([("zip", "c.zip", zipped(folder))])
    page = _text(review)
    assert "取消的活动 (1)" in page and LECTURE in page
    assert "青春期孩子不爱说话怎么办" in page and "通知 2 人" in page
    assert 'name="confirm"' in page and "取消 1 个活动" in page
    token = stage_of(review.text)
    refused = a.post("/admin/catalogue/publish", s=token)
    assert refused.status_code == 400 and "请先勾选确认" in _text(refused)
    status = live.db.execute("SELECT status FROM lectures WHERE id = ?", [LECTURE]).fetchone()
    assert status == ("scheduled",)
    done = a.post("/admin/catalogue/publish", s=token, confirm="yes")
    assert done.status_code == 303
    assert "2 条通知" in _text(a.http.get(done.headers["location"]))
    status = live.db.execute("SELECT status FROM lectures WHERE id = ?", [LECTURE]).fetchone()
    assert status == ("cancelled",)
    notices = live.db.execute(
        "SELECT COUNT(*) FROM reminders WHERE kind = 'notice' AND status = 'pending'"
    ).fetchone()
    assert notices == (2,)
    a.close()


def test_removing_too_much_is_named_and_needs_confirmation(live, tmp_path):
    folder = catalogue_copy(tmp_path / "cat")
    (folder / "lessons.yaml").write_text("[]\n", encoding="utf-8")
    a = admin(live)
    review = a.upload([("zip", "c.zip", zipped(folder))])
    page = _text(review)
    assert "删除 · 课程 (34)" in page and "lessons.yaml would remove 34 of 34 lessons" in page
    token = stage_of(review.text)
    assert a.post("/admin/catalogue/publish", s=token).status_code == 400
    assert live.db["lessons"].count == 34
    assert a.post("/admin/catalogue/publish", s=token, confirm="yes").status_code == 303
    assert live.db["lessons"].count == 0
    a.close()


def test_a_bad_file_is_named_by_file_row_and_field_and_publishes_nothing(live, tmp_path):
    folder = catalogue_copy(tmp_path / "cat")
    lines = (folder / "centers.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace("39.94118", "93.94118")  # row 3: latitude outside Beijing
    (folder / "centers.csv").write_text("".join(lines), encoding="utf-8")
    before = catalogue_version(live.db)
    a = admin(live)
    files = [("files", p.name, p.read_bytes()) for p in sorted(folder.glob("*")) if p.is_file()]
    files += [("guides", p.name, p.read_bytes()) for p in sorted((folder / "guides").glob("*"))]
    review = a.upload(files)
    assert review.status_code == 200
    page = _text(review)
    assert "1 个错误，这个目录不能发布" in page
    row = page[page.index("<td>centers.csv</td>") :]
    row = row[: row.index("</tr>")]
    assert "<td>第 3 行</td>" in row and "<td>bjou-dongcheng</td>" in row and "<td>lat</td>" in row
    assert "outside Beijing" in row
    assert "/admin/catalogue/publish" not in page  # no publish button
    token = stage_of(review.text) if 'name="s"' in review.text else review.url.params["s"]
    refused = a.post("/admin/catalogue/publish", s=token)
    assert refused.status_code == 400
    assert catalogue_version(live.db) == before and live.db["centers"].count == 57
    a.close()


def test_a_zip_slip_zip_is_refused_whole(live, tmp_path):
    folder = catalogue_copy(tmp_path / "cat")
    evil = zipped(folder, {"../../evil.csv": b"x", "guides/../../../escape.yaml": b"x"})
    before = catalogue_version(live.db)
    a = admin(live)
    r = a.upload([("zip", "evil.zip", evil)])
    assert r.status_code == 400
    assert "指向文件夹外面的路径" in _text(r) and "整个 zip 都没有使用" in _text(r)
    uploads = live.settings.db.parent / "admin-uploads"
    assert not uploads.exists() or list(uploads.iterdir()) == []
    assert (
        not (tmp_path / "evil.csv").exists() and not (live.settings.db.parent / "evil.csv").exists()
    )
    assert catalogue_version(live.db) == before
    a.close()


def test_files_and_a_zip_at_once_or_nothing_at_all_are_refused(live, tmp_path):
    folder = catalogue_copy(tmp_path / "cat")
    a = admin(live)
    both = a.upload([("zip", "c.zip", zipped(folder)), ("files", "centers.csv", b"id\n")])
    assert both.status_code == 400 and "只选一种" in _text(both)
    none = a.upload([("files", "", b"")])
    assert none.status_code == 400 and "没有收到文件" in _text(none)
    a.close()


def test_the_download_is_the_catalogue_and_uploads_back_unchanged(live):
    a = admin(live)
    r = a.http.get("/admin/catalogue/download")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert r.headers["content-disposition"].startswith('attachment; filename="leling-catalogue-')
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert "centers.csv" in names and "guides/wechat_video_call.yaml" in names
    review = a.upload([("zip", "back.zip", r.content)])
    page = _text(review)
    assert "检查通过" in page and "和现在的目录完全一样" in page
    discarded = a.post("/admin/catalogue/discard", s=stage_of(review.text))
    assert discarded.status_code == 303
    assert "已放弃" in _text(a.http.get(discarded.headers["location"]))
    assert a.http.get(review.url).status_code == 404
    a.close()


def test_an_upload_over_the_cap_is_refused_before_it_is_read(live):
    a = admin(live)
    token = a.csrf()
    big = b"0" * (49 * 1024 * 1024)
    r = a.http.post(
        "/admin/catalogue/upload",
        data={"csrf": token},
        files=[("zip", ("big.zip", big, "application/zip"))],
    )
    assert r.status_code == 413
    # the chat's own endpoints keep their 1 MB cap
    r = a.http.post("/api/message", content=b"x" * (2 * 1024 * 1024))
    assert r.status_code == 413
    a.close()


def test_a_catalogue_published_meanwhile_makes_the_check_run_again(live, tmp_path):
    from content.load import import_dir

    mine = catalogue_copy(tmp_path / "mine")
    _edit_lectures(mine, lambda items: items[0]["title"].update(zh="我的修改"))
    a = admin(live)
    review = a.upload([("zip", "mine.zip", zipped(mine))])
    token = stage_of(review.text)
    theirs = catalogue_copy(tmp_path / "theirs")
    with (theirs / "centers.csv").open("a", encoding="utf-8") as f:
        f.write(NEW_CENTER)
    assert import_dir(live.db, theirs, actor="someone else", now=NOW).ok  # e.g. the CLI
    r = a.post("/admin/catalogue/publish", s=token)
    assert r.status_code == 303 and r.headers["location"].endswith("&stale=1")
    again = _text(a.http.get(r.headers["location"]))
    assert "刚才有人发布了别的目录" in again
    assert "删除 · 学习点 (1)" in again and "lc-test-new" in again  # against the new one now
    assert live.db["centers"].count == 58  # nothing of mine was published yet
    a.close()
