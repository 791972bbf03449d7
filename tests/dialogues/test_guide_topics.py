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
