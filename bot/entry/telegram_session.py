"""The HTTP session the bot talks to Telegram through: Bot API calls as JSON bodies.

aiogram's session posts every call as a form, percent-encoding its text in Python; a message in
Cyrillic costs more to encode that way than the rest of the call. The Bot API takes a JSON body
for every call that uploads no file, so such calls go as JSON (encoded by orjson: the standard
library's encoder takes twenty times longer over Cyrillic text); a call with a file goes as
aiogram sends it (multipart). Answers are decoded by orjson too.

Answers are read with two shortcuts (`check_response`), each saving the validation of a whole
keyboard (about 0.1 ms for a dozen buttons, a tenth of an update's work):

* the message Telegram echoes for a sent or edited message carries the keyboard the bot sent
  with it: the bot's own `InlineKeyboardMarkup` object is put in its place, not a copy parsed
  again;
* a pressed button's update carries the keyboard of the message it was pressed on. The bot never
  reads it (every keyboard is rebuilt from the database), so it is left out:
  `query.message.reply_markup` is None. Code that needs it must stop dropping it here.

Likewise the formatting of the bot's own messages (`entities`, `caption_entities`: the bold and
links of the HTML it sent, a dozen objects on a /my page) is left out of both, the sent or edited
message and the message a button was pressed on; their text stays. Nothing reads them (the bot
renders every text anew); a person's own message keeps its entities.

An answer that is not a plain success goes through aiogram's own checks, which raise its
errors (400, 403, 429…) as before."""

from __future__ import annotations

import functools
from http import HTTPStatus
from typing import Any, cast

import orjson
from aiogram import Bot
from aiogram.client.default import Default
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import ClientDecodeError, TelegramNetworkError
from aiogram.methods import GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import InlineKeyboardMarkup, InputFile, TelegramObject
from aiohttp import ClientError
from pydantic import ValidationError

_JSON_HEADERS = {"Content-Type": "application/json"}


class JsonBodySession(AiohttpSession):
    """`AiohttpSession` sending calls without files as `application/json`."""

    def json_payload(self, bot: Bot, method: TelegramMethod[Any]) -> bytes | None:
        """The call's fields as a JSON body; None when the call uploads a file. Fields are
        left out exactly as aiogram leaves them out of a form (unset, None, empty).

        pydantic drops the None fields of the call and of every object in it (in one pass in
        Rust, several times quicker than aiogram's walk over them in Python); what is not
        plain JSON after that (a file, a default of the bot that is an object, a date) sends
        the call through aiogram's walk, which knows each of them."""
        fields: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False, exclude_none=True).items():
            if isinstance(value, Default):
                value = bot.default[value.name]
                if isinstance(value, TelegramObject):  # e.g. the bot's link preview options
                    value = value.model_dump(warnings=False, exclude_none=True)
            if isinstance(value, InputFile):
                return None
            if value:
                fields[key] = value
        try:
            return _json_body(fields)
        except _NotPlainJson:
            return self.walked_payload(bot, method)

    def walked_payload(self, bot: Bot, method: TelegramMethod[Any]) -> bytes | None:
        """`json_payload` by aiogram's own walk over the fields (`prepare_value`)."""
        files: dict[str, Any] = {}
        fields: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if prepared:
                fields[key] = prepared
        if files:
            return None
        return _json_body(fields)

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,
    ) -> TelegramType:
        payload = self.json_payload(bot, method)
        if payload is None:
            return await super().make_request(bot, method, timeout)
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        try:
            async with session.post(
                url,
                data=payload,
                headers=_JSON_HEADERS,
                timeout=self.timeout if timeout is None else timeout,
            ) as answer:
                raw_result = await answer.text()
        except TimeoutError as error:
            raise TelegramNetworkError(method=method, message="Request timeout error") from error
        except ClientError as error:
            message = f"{type(error).__name__}: {error}"
            raise TelegramNetworkError(method=method, message=message) from error
        response = self.check_response(
            bot=bot, method=method, status_code=answer.status, content=raw_result
        )
        return cast(TelegramType, response.result)

    def check_response(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        status_code: int,
        content: str,
    ) -> Response[TelegramType]:
        """A success read with the keyboards it needs not parse (see the module's text);
        anything else as aiogram reads it."""
        if HTTPStatus.OK <= status_code <= HTTPStatus.IM_USED:
            try:
                answer = orjson.loads(content)
            except orjson.JSONDecodeError:
                answer = None
            if isinstance(answer, dict) and answer.get("ok") is True and "result" in answer:
                skip_known_keyboards(method, answer["result"])
                try:
                    return _response_type(method.__returning__).model_validate(
                        answer, context={"bot": bot}
                    )
                except ValidationError as error:
                    message = "Failed to deserialize object"
                    raise ClientDecodeError(message, error, answer) from error
        return super().check_response(
            bot=bot, method=method, status_code=status_code, content=content
        )


def skip_known_keyboards(method: TelegramMethod[Any], result: Any) -> None:
    """In a call's decoded result: the keyboard the bot sent, as the object it sent; the
    keyboards of the messages buttons were pressed on, left out; the formatting entities of
    the bot's own messages, left out."""
    if isinstance(result, dict):
        sent = getattr(method, "reply_markup", None)
        if isinstance(sent, InlineKeyboardMarkup) and "reply_markup" in result:
            result["reply_markup"] = sent
        if "message_id" in result and "chat" in result:  # a message the bot sent or edited
            _drop_formatting(result)
    elif isinstance(method, GetUpdates) and isinstance(result, list):
        for update in result:
            pressed = update.get("callback_query") if isinstance(update, dict) else None
            message = pressed.get("message") if isinstance(pressed, dict) else None
            if isinstance(message, dict):
                message.pop("reply_markup", None)
                _drop_formatting(message)


def _drop_formatting(message: dict[str, Any]) -> None:
    """The bot's own message without the entities of the HTML it was sent with."""
    message.pop("entities", None)
    message.pop("caption_entities", None)


@functools.cache
def _response_type(returning: Any) -> Any:
    """`Response[returning]`, made once per result type (pydantic looks each one up anew)."""
    return Response[returning]


class _NotPlainJson(Exception):
    """A value JSON cannot take as it is (a file, an object, a date)."""


def _refuse(value: object) -> object:
    raise _NotPlainJson(type(value).__name__)


# Dates and dataclasses are refused as the standard library refuses them (orjson would write a
# date as text, where Telegram wants a Unix time): aiogram's walk converts them.
_AS_JSON_TAKES_IT = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def _json_body(fields: dict[str, Any]) -> bytes:
    try:
        return orjson.dumps(fields, default=_refuse, option=_AS_JSON_TAKES_IT)
    except orjson.JSONEncodeError as error:
        # orjson raises its own error for a value `_refuse` refused, or one it cannot take (an
        # integer beyond 64 bits): such a call takes aiogram's walk.
        raise _NotPlainJson(str(error)) from error
