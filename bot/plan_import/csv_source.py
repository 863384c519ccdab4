"""Plans exported as CSV: UTF-8 (with or without BOM) or Windows-1251, `;` or `,` separated.

The text is decoded by `sniffing.decode_text`; the delimiter is the one that splits most sampled
lines into the same number of fields (`;` wins a tie: it is what Russian Excel writes). Quoted
fields may hold line breaks. Every record is a row of table 0 located by the line it starts on.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from bot.plan_import.blocks import Block, Paragraph, Row
from bot.plan_import.sniffing import MAX_FILE_BYTES, SNIFF_LINES, sniff_delimiter


class CsvReader:
    def __init__(self, text: str) -> None:
        self.text = text
        sample = [line for line in text.split("\n", SNIFF_LINES)[:SNIFF_LINES] if line.strip()]
        self.delimiter = sniff_delimiter(sample) or ";"

    @property
    def estimate(self) -> int:
        return self.text.count("\n") + 1

    def blocks(self) -> Iterator[Block]:
        # One field may be as large as the whole file; the default limit (128 KiB) is not.
        csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)
        start = 1
        for record in reader:
            where = f"line {start}"
            start = reader.line_num + 1
            if any(field.strip() for field in record):
                yield Row(tuple(record), where)
            else:
                yield Paragraph("", where)
