import { Readable } from "node:stream";
import { parse } from "csv-parse";

// Reading an import file as records, streaming (csv-parse): never more than a chunk and a
// record held. Quotes, CRLF or LF, a UTF-8 byte order mark, blank lines (skipped), rows
// with fewer or more cells than the header (kept; the mapping reads what is there), and a
// record the parser cannot read (an unclosed quote) reported with its line, not fatal.
// docs/decisions/0019-member-import.md

export type CsvItem = { line: number; cells: string[] } | { line: number; error: string };

/** The records of a CSV stream, each with the line it ends on (the first line is 1). */
export async function* readCsv(input: AsyncIterable<Uint8Array> | Readable, delimiter: string): AsyncGenerator<CsvItem> {
  const parser = parse({
    delimiter,
    bom: true,
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: 64 * 1024,
  });
  const skipped: CsvItem[] = [];
  parser.on("skip", (error: Error & { lines?: number }) => {
    skipped.push({ line: error.lines ?? 0, error: `The row can't be read as CSV (${error.message.replace(/^Invalid [^:]*: /, "").slice(0, 120)})` });
  });
  const source = input instanceof Readable ? input : Readable.from(input);
  source.on("error", (error) => parser.destroy(error));
  source.pipe(parser);
  for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    // The parser may run ahead of this loop: a skipped row is reported in its place by line.
    while (skipped.length > 0 && skipped[0]!.line < item.info.lines) yield skipped.shift()!;
    // Excel leaves rows of empty cells (";;;") where a row was cleared: blank, not bad.
    if (item.record.every((c) => c.trim() === "")) continue;
    yield { line: item.info.lines, cells: item.record };
  }
  while (skipped.length > 0) yield skipped.shift()!;
}

/** The first line of a file's opening bytes (for sniffing the delimiter). */
export function firstLine(head: Uint8Array): string {
  const text = new TextDecoder().decode(head).replace(/^\uFEFF/, "");
  const end = text.search(/\r?\n/);
  return end < 0 ? text : text.slice(0, end);
}
