"""The HTTP session the bot talks to Telegram through: Bot API calls as JSON bodies.

aiogram's session posts every call as a form, percent-encoding its text in Python; a message in
Cyrillic costs more to encode that way than the rest of the call. The Bot API takes a JSON body
for every call that uploads no file, so such calls go as JSON (encoded in C); a call with a
file goes as aiogram sends it (multipart)."""

from __future__ import annotations

import json
from typing import Any, cast

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiohttp import ClientError

_JSON_HEADERS = {"Content-Type": "application/json"}


class JsonBodySession(AiohttpSession):
    """`AiohttpSession` sending calls without files as `application/json`."""

    def json_payload(self, bot: Bot, method: TelegramMethod[Any]) -> bytes | None:
        """The call's fields as a JSON body; None when the call uploads a file. Fields are
        left out exactly as aiogram leaves them out of a form (unset, None, empty)."""
        files: dict[str, Any] = {}
        fields: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if prepared:
                fields[key] = prepared
        if files:
            return None
        return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()

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
