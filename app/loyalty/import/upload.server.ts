import { createHash } from "node:crypto";
import type { Db } from "../../db.server";
import { firstLine, readCsv } from "./csv";
import { recognise, sniffDelimiter } from "./layouts";
import { ImportError } from "./state.server";

// The upload of a member import: the file streamed into the database in 1 MiB chunks,
// hashed (sha256), its header row recognised. docs/decisions/0019-member-import.md

export const MAX_IMPORT_BYTES = 256 * 1024 * 1024;
/** And the most data rows. */
export const MAX_IMPORT_ROWS = 1_000_000;
export const CHUNK_BYTES = 1024 * 1024;

export type ImportStatus = "uploading" | "uploaded" | "checking" | "checked" | "importing" | "done" | "failed";

/**
 * Stores an uploaded file (streamed: at most a chunk held) and recognises its layout. The
 * import is `uploaded`, with its suggested mapping, for the merchant to confirm.
 */
export async function createImportFromUpload(
  db: Db,
  input: { shopDomain: string; fileName: string; data: AsyncIterable<Uint8Array>; staff: string; maxBytes?: number },
): Promise<string> {
  const shop = await db.shop.findUnique({ where: { domain: input.shopDomain }, select: { id: true } });
  if (!shop) throw new ImportError("Unknown shop");
  const maxBytes = input.maxBytes ?? MAX_IMPORT_BYTES;
  const created = await db.memberImport.create({
    data: { shopId: shop.id, fileName: input.fileName.slice(0, 200) || "members.csv", fileHash: "", fileBytes: 0, delimiter: ",", headers: "[]", source: "other", mapping: "{}", status: "uploading", staff: input.staff },
  });
  const hash = createHash("sha256");
  let total = 0;
  let seq = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let head: Buffer | null = null;
  const flush = async () => {
    if (pendingBytes === 0) return;
    const bytes = Buffer.concat(pending);
    if (!head) head = bytes.subarray(0, 64 * 1024);
    await db.memberImportChunk.create({ data: { importId: created.id, seq: seq++, bytes } });
    pending = [];
    pendingBytes = 0;
  };
  try {
    for await (const part of input.data) {
      total += part.byteLength;
      if (total > maxBytes) throw new ImportError(`The file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB. Split it into smaller files.`);
      hash.update(part);
      pending.push(Buffer.from(part));
      pendingBytes += part.byteLength;
      if (pendingBytes >= CHUNK_BYTES) await flush();
    }
    await flush();
    if (total === 0 || !head) throw new ImportError("The file is empty.");
    const delimiter = sniffDelimiter(firstLine(head));
    let first: string[] | null = null;
    for await (const item of readCsv(fileChunks(db, created.id), delimiter)) {
      if ("cells" in item) {
        first = item.cells;
        break;
      }
    }
    if (!first) throw new ImportError("The file has no rows.");
    const recognised = recognise(first);
    await db.memberImport.update({
      where: { id: created.id },
      data: {
        fileHash: hash.digest("hex"),
        fileBytes: total,
        delimiter,
        hasHeader: recognised.hasHeader,
        headers: JSON.stringify(recognised.headers.map((h) => h.slice(0, 100))),
        source: recognised.source,
        mapping: JSON.stringify(recognised.mapping),
        status: "uploaded",
      },
    });
    return created.id;
  } catch (error) {
    await db.memberImport.delete({ where: { id: created.id } }).catch(() => undefined);
    throw error;
  }
}

/** The stored file, chunk by chunk. */
export async function* fileChunks(db: Db, importId: string): AsyncGenerator<Uint8Array> {
  for (let seq = 0; ; seq++) {
    const chunk = await db.memberImportChunk.findUnique({ where: { importId_seq: { importId, seq } }, select: { bytes: true } });
    if (!chunk) return;
    yield chunk.bytes;
  }
}
