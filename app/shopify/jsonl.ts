// JSON Lines, read as it arrives: one object per line, never the whole file in memory.
// Shopify's bulk operation results are JSONL (https://jsonlines.org/); a line may cross any
// number of chunk boundaries, and a multi-byte character may be split between chunks.

export class JsonlError extends Error {
  override name = "JsonlError";
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`JSONL line ${line}: ${message}`);
  }
}

/** Each line of the stream parsed, with its 1-based line number; blank lines are skipped. */
export async function* readJsonLines(
  stream: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
  opts: { signal?: AbortSignal; maxLineBytes?: number } = {},
): AsyncGenerator<{ line: number; value: Record<string, unknown> }> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const maxLine = opts.maxLineBytes ?? 16 * 1024 * 1024;
  let buffered = "";
  let line = 0;
  const parse = (text: string) => {
    line++;
    if (text.trim() === "") return null;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new JsonlError(line, error instanceof Error ? error.message : String(error));
    }
    if (!value || typeof value !== "object" || Array.isArray(value)) throw new JsonlError(line, "not a JSON object");
    return value as Record<string, unknown>;
  };
  for await (const chunk of iterate(stream)) {
    opts.signal?.throwIfAborted();
    buffered += decoder.decode(chunk, { stream: true });
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      const value = parse(buffered.slice(0, newline).replace(/\r$/, ""));
      buffered = buffered.slice(newline + 1);
      if (value) yield { line, value };
      newline = buffered.indexOf("\n");
    }
    if (buffered.length > maxLine) throw new JsonlError(line + 1, `longer than ${maxLine} characters`);
  }
  buffered += decoder.decode();
  if (buffered.length > 0) {
    const value = parse(buffered.replace(/\r$/, ""));
    if (value) yield { line, value };
  }
}

async function* iterate(stream: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (Symbol.asyncIterator in stream) {
    yield* stream as AsyncIterable<Uint8Array>;
    return;
  }
  const reader = (stream as ReadableStream<Uint8Array>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // Stops the download when the consumer stops early.
    await reader.cancel().catch(() => undefined);
  }
}
