"""WeChat's wire format for the server URL: the request signature, safe mode's decryption, the
message XML in and the passive text reply out (wechatpy underneath).

    signed(token, signature, timestamp, nonce)   # sha1 of the sorted token, timestamp, nonce
    xml = decrypt(crypto, body, query)           # PermissionError on a bad msg_signature/AppID
    message = parse(xml)                         # a flat dict of strings ("MsgType", …)
    reply_xml(message, "您好")
"""

from __future__ import annotations

import hmac


def signed(token: str, signature: str, timestamp: str, nonce: str) -> bool:
    """Whether a request carries WeChat's signature for `token`."""
    from wechatpy.utils import WeChatSigner

    if not (signature and timestamp and nonce) or len(timestamp) > 20 or len(nonce) > 64:
        return False
    signer = WeChatSigner()
    signer.add_data(token, timestamp, nonce)
    return hmac.compare_digest(signer.signature, signature)


def decrypt(crypto, body: bytes, q) -> str:
    """The plain XML of a safe-mode message; PermissionError when it is not the account's."""
    from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException

    if crypto is None:
        raise PermissionError("safe mode without LELING_WECHAT_AES_KEY")
    try:
        return crypto.decrypt_message(
            body, q.get("msg_signature", ""), q.get("timestamp", ""), q.get("nonce", "")
        )
    except (InvalidSignatureException, InvalidAppIdException) as exc:
        raise PermissionError(type(exc).__name__) from exc


def parse(xml: str) -> dict:
    """WeChat's message XML as a flat dict of strings."""
    import xmltodict

    data = xmltodict.parse(xml, disable_entities=True)["xml"]
    if not isinstance(data, dict):
        raise ValueError("empty message")
    return {k: v for k, v in data.items() if isinstance(v, str)}


def reply_xml(message: dict, text: str) -> str:
    """A passive text reply to `message`."""
    from wechatpy.replies import TextReply

    reply = TextReply(
        source=message.get("ToUserName", ""), target=message.get("FromUserName", ""), content=text
    )
    return reply.render()
