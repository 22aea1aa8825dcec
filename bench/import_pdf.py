"""How long a 30-page journal PDF takes to import (reading the layout and structuring it),
on this machine. Not a test: `make bench-import` prints the figure for bench/README.md.

The PDF is typeset here, as the importer tests do it (tests/importer_support.py): two
columns, running headers, page numbers, footnotes, hyphenation, a table."""

import os
import sys
import time
from pathlib import Path

import django
import pypdfium2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from reader.importers import read_source
from reader.importing import parse_document
from tests.importer_support import journal_pdf

PAGES = 30


def main():
    sections = 8
    data, _, _ = journal_pdf(sections=sections)
    while (pages := len(pypdfium2.PdfDocument(data))) < PAGES:
        sections += 8
        data, _, _ = journal_pdf(sections=sections)
    runs, cpu = [], []
    for _ in range(3):
        start, start_cpu = time.perf_counter(), time.process_time()
        parsed = parse_document(read_source(data, "bench.pdf").text)
        runs.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    # On a shared machine the wall time includes waiting for a core; the CPU time does not.
    print(
        f"{pages} pages, {len(data) // 1024} KB, {len(parsed.paragraphs)} paragraphs: import in {min(runs):.2f} s "
        f"(best of 3; {', '.join(f'{r:.2f}' for r in runs)}), {min(cpu):.2f} s of CPU"
    )


if __name__ == "__main__":
    main()
