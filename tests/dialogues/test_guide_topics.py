"""Guides name the class topics they teach (`topics:` in guides/<id>.yaml): the link between
"学X" (the guide, then the nearest class) and "X课" (the classes, then the guide)."""

from __future__ import annotations

from content.tags import TOPICS
from content.validate import read_catalogue_dir


def test_every_sample_guide_topic_is_listed_and_taught_by_a_class(cat):
    taught = {topic for les in cat.lessons.values() for topic in les.topics}
    linked = [g for g in cat.guides.values() if g.topics]
    assert len(linked) >= 9
    for guide in linked:
        assert set(guide.topics) <= set(TOPICS) & taught, guide.id


def test_a_guide_topic_is_read_through_the_synonyms_and_an_unknown_one_warns(sample_dir):
    path = sample_dir / "guides" / "taxi_hailing.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("topics: [出行打车]", "topics: [打车, 剪指甲]"), encoding="utf-8")
    data, problems = read_catalogue_dir(sample_dir)
    guide = next(g for g in data.guides if g.id == "taxi_hailing")
    assert guide.topics == ["出行打车", "剪指甲"]  # 打车 is a listed variant of 出行打车
    warned = [p for p in problems if p.id == "taxi_hailing" and p.field == "topics"]
    assert [p.level for p in warned] == ["warning"] and "剪指甲" in warned[0].message
    assert not [p for p in problems if p.level == "error"]


def _bot_over(folder, db, scripted):
    from dialoguekit import make_assistant

    from content.load import import_dir, load_catalogue

    assert import_dir(db, folder).ok
    return make_assistant(db, load_catalogue(db), scripted)


def test_a_topic_no_lecture_covers_names_only_the_other_ways_there_are(sample_dir, db, scripted):
    from dialoguekit import payloads, say, texts

    path = sample_dir / "guides" / "taxi_hailing.yaml"
    text = path.read_text(encoding="utf-8")
    # the taxi guide no longer names its topic, and teaches one no class does
    path.write_text(text.replace("topics: [出行打车]", "topics: [网络素养]"), encoding="utf-8")
    bot = _bot_over(sample_dir, db, scripted)
    scripted.add("打车的讲座", "list_lectures", topic="出行打车")
    scripted.add("网络素养的讲座", "list_lectures", topic="网络素养")
    classes_only = say(bot, "打车的讲座")
    assert "有手机课可以上：" in texts(classes_only) and "一步一步" not in texts(classes_only)
    assert not [p for p in payloads(classes_only) if p.startswith("/start_guide")]
    guide_only = say(bot, "网络素养的讲座")
    assert "可以跟着我一步一步学：" in texts(guide_only) and "手机课" not in texts(guide_only)
    assert '/start_guide{"guide":"taxi_hailing"}' in payloads(guide_only)
