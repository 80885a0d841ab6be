import { Readable } from "node:stream";
import { stringify } from "csv-stringify";
import { guardCell, type CsvCell } from "./csv";

/**
 * A CSV body pulled row by row from `rows`: csv-stringify quotes and escapes, every cell
 * passes the formula guard, and backpressure reaches the database reads (the generator is
 * only asked for more when the client has taken what was sent), so memory stays a batch
 * whatever the file's size.
 */
export function csvStream(columns: readonly string[], rows: AsyncIterable<CsvCell[]>): ReadableStream<Uint8Array> {
  async function* guarded() {
    for await (const row of rows) yield row.map(guardCell);
  }
  const source = Readable.from(guarded(), { objectMode: true, highWaterMark: 64 });
  const csv = stringify({ header: true, columns: [...columns], cast: { number: (n) => String(n) } });
  source.on("error", (error) => csv.destroy(error));
  return Readable.toWeb(source.pipe(csv)) as unknown as ReadableStream<Uint8Array>;
}

/** The whole CSV as text (tests and small files). */
export async function csvText(columns: readonly string[], rows: AsyncIterable<CsvCell[]>): Promise<string> {
  return new Response(csvStream(columns, rows)).text();
}
