"""What a person reads, shared by chat replies (handlers/) and scheduled notifications
(scheduler/): Telegram's size limits and the fit checks, how a deadline is said, the callback
data that notifications carry, the command menus.

It may import aiogram's types and the domain (bot/); the domain never imports it.
"""
