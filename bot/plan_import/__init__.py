"""Loading a plan from the document the coordinator already has.

`reading.read_plan` understands a file (docx, xlsx, csv, text) into an `ImportResult`;
`importing` summarises it for a preview and stores it with the person's rights checked;
`store` writes and re-imports plans; `messages` holds the texts of warnings and failures.
"""
