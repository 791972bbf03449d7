"""Building the updates a test sends to the bot, as Telegram's JSON (a mixin of FakeTelegram:
it needs `lock`, `changed`, `updates`, `update_ids`, `message_ids`, `file_ids`, `files`,
`on_update` and `me()`)."""

from __future__ import annotations

import re
import time


class UpdateMaker:
    """Messages, button presses, locations, voice notes and member changes from users."""

    def user(self, chat_id: int, lang: str = "zh-hans") -> dict:
        return {"id": abs(chat_id), "is_bot": False, "first_name": "测试", "language_code": lang}

    def chat(self, chat_id: int) -> dict:
        if chat_id < 0:
            return {"id": chat_id, "type": "group", "title": "乐龄学习群"}
        return {"id": chat_id, "type": "private", "first_name": "测试"}

    def message(
        self,
        chat_id: int,
        text: str | None = None,
        *,
        lang: str = "zh-hans",
        from_bot: bool = False,
        **extra,
    ) -> dict:
        msg = {
            "message_id": next(self.message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": self.me() if from_bot else self.user(chat_id, lang),
            **extra,
        }
        if text is not None:
            msg["text"] = text
            entities = []
            if text.startswith("/"):
                entities.append(
                    {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
                )
            for m in re.finditer(r"@\w+", text):
                entities.append(
                    {"type": "mention", "offset": m.start(), "length": m.end() - m.start()}
                )
            if entities:
                msg["entities"] = entities
        return msg

    def push(self, kind: str, payload: dict) -> int:
        """Queue one update `{"update_id": n, kind: payload}`; returns its id."""
        with self.changed:
            update_id = next(self.update_ids)
            self.updates.append({"update_id": update_id, kind: payload, "_at": time.monotonic()})
            self.changed.notify_all()
        self.on_update()
        return update_id

    def send_text(self, chat_id: int, text: str, lang: str = "zh-hans", **extra) -> int:
        return self.push("message", self.message(chat_id, text, lang=lang, **extra))

    def edit_text(self, chat_id: int, message_id: int, text: str) -> int:
        msg = self.message(chat_id, text)
        msg.update(message_id=message_id, edit_date=int(time.time()))
        return self.push("edited_message", msg)

    def send_location(self, chat_id: int, lat: float, lon: float) -> int:
        return self.push(
            "message", self.message(chat_id, location={"latitude": lat, "longitude": lon})
        )

    def send_venue(self, chat_id: int, lat: float, lon: float, title: str, address: str) -> int:
        loc = {"latitude": lat, "longitude": lon}
        return self.push(
            "message",
            self.message(
                chat_id, location=loc, venue={"location": loc, "title": title, "address": address}
            ),
        )

    def send_contact(self, chat_id: int, phone: str) -> int:
        return self.push(
            "message",
            self.message(
                chat_id, contact={"phone_number": phone, "first_name": "测试", "user_id": chat_id}
            ),
        )

    def add_file(self, data: bytes, path: str) -> str:
        with self.lock:
            file_id = f"file{next(self.file_ids)}"
            self.files[file_id] = (path, data)
        return file_id

    def send_voice(self, chat_id: int, data: bytes, duration: int = 2) -> int:
        file_id = self.add_file(data, f"voice/file_{len(self.files)}.oga")
        return self.push(
            "message",
            self.message(
                chat_id,
                voice={
                    "file_id": file_id,
                    "file_unique_id": file_id + "u",
                    "duration": duration,
                    "mime_type": "audio/ogg",
                    "file_size": len(data),
                },
            ),
        )

    def press(self, chat_id: int, data: str, message_id: int | None = None) -> int:
        """Tap an inline button carrying `data` under the bot's message `message_id`."""
        msg = self.message(chat_id, "…", from_bot=True)
        if message_id is not None:
            msg["message_id"] = message_id
        return self.push(
            "callback_query",
            {
                "id": f"cq{next(self.update_ids)}",
                "from": self.user(chat_id),
                "chat_instance": str(chat_id),
                "message": msg,
                "data": data,
            },
        )

    def member_status(self, chat_id: int, new: str, old: str = "member") -> int:
        """The user blocked ("kicked") or unblocked ("member") the bot."""

        def member(status: str) -> dict:
            return {
                "user": self.me(),
                "status": status,
                **({"until_date": 0} if status == "kicked" else {}),
            }

        return self.push(
            "my_chat_member",
            {
                "chat": self.chat(chat_id),
                "from": self.user(chat_id),
                "date": int(time.time()),
                "old_chat_member": member(old),
                "new_chat_member": member(new),
            },
        )
