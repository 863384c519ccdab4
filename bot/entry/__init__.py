"""Start-up, wiring and the command line: the one place that may import every layer.

`cli` parses `python -m bot ...`; `app` builds the Bot, the Dispatcher with its middlewares
and routers, the scheduler's jobs and the outbox sender, and runs them; `import_command` and
`invite_command` are the `import` and `invite` subcommands; `translations` loads the gettext
catalogues; `logs` sets up logging.
"""
