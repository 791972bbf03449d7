"""The typed parse: Rasa's JSON in and out, and its accessors."""

from __future__ import annotations

from datetime import datetime

from nlu.parse import ENGINE, Entity, Parse

RASA = {
    "text": "明天下午朝阳区有讲座吗",
    "intent": {"name": "list_lectures", "confidence": 0.91},
    "entities": [
        {
            "entity": "time",
            "value": {"from": "2026-12-05T12:00:00+08:00", "to": "2026-12-05T18:00:00+08:00"},
            "start": 0,
            "end": 4,
            "confidence": 1.0,
            "extractor": "TimeParser",
        },
        {
            "entity": "district",
            "value": "朝阳区",
            "start": 4,
            "end": 7,
            "confidence": 0.98,
            "extractor": "Lookup",
        },
    ],
    "intent_ranking": [
        {"name": "list_lectures", "confidence": 0.91},
        {"name": "list_lessons", "confidence": 0.05},
    ],
    "lang": "zh",
}


def test_rasa_json_round_trips():
    parse = Parse.from_dict(RASA)
    assert parse.intent == "list_lectures" and parse.confidence == 0.91
    assert parse.to_dict() == RASA
    assert Parse.from_dict(parse.to_dict()) == parse


def test_accessors():
    parse = Parse.from_dict(RASA)
    assert parse.entity("district") == "朝阳区"
    assert parse.entity("street") is None
    assert parse.entity_map()["district"] == ["朝阳区"]
    start, end = parse.time()
    assert (start.hour, end.hour) == (12, 18) and isinstance(start, datetime)
    assert parse.top(1) == [("list_lectures", 0.91)]
    assert not parse.tapped


def test_a_resolved_parse_is_the_engines():
    parse = Parse.resolved("/subscribe", "subscribe", {"lecture": "lec-1"}, "en")
    assert parse.tapped and parse.source == ENGINE and parse.confidence == 1.0
    assert parse.entities == (Entity("lecture", "lec-1", 0, 0, 1.0, "payload"),)
    assert parse.to_dict()["source"] == "engine"
    assert parse.but(choice=2).to_dict()["choice"] == 2


def test_odd_json_still_reads():
    parse = Parse.from_dict({"text": "x", "intent": None, "entities": [{"entity": "a"}, 3]})
    assert parse.intent == "out_of_scope" and parse.entity("a") is None
    assert len(parse.entities) == 1 and parse.entities[0].start == 0


def test_entity_values_are_text_except_time():
    parse = Parse.from_dict(
        {
            "text": "x",
            "intent": {"name": "greet", "confidence": 1.0},
            "entities": [
                {"entity": "lecture", "value": 12},
                {"entity": "district", "value": {"odd": 1}},
                {"entity": "time", "value": {"from": "2026-12-05T12:00:00+08:00", "to": "x"}},
            ],
        }
    )
    assert parse.entity("lecture") == "12"
    assert parse.entity("district") is None and parse.entity_values("district") == []
    assert isinstance(parse.entity("time"), dict) and parse.time() is None
