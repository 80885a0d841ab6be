import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { createTestShop, useTestDatabase } from "../db";

// SQLite has one writer at a time. A write from another process (a CLI beside `npm run local`,
// the e2e tests beside the local server) waits for the writer to finish, up to SQLITE_BUSY_MS,
// instead of failing at once with SQLITE_BUSY (libsql's default).
// SQLite only (tests/vitest.config.ts): PostgreSQL's writers lock rows, not the database.

const { db } = useTestDatabase();

/** Another process holding SQLite's write lock (an update in an open transaction) for `ms` once it says "held". */
const HOLDER = `
  import { createClient } from "@libsql/client";
  const [url, shopId, ms] = process.argv.slice(1);
  const client = createClient({ url });
  const tx = await client.transaction("write");
  await tx.execute({ sql: 'UPDATE "Program" SET "programName" = ? WHERE "shopId" = ?', args: ["Held", shopId] });
  console.log("held");
  await new Promise((resolve) => setTimeout(resolve, Number(ms)));
  await tx.commit();
  client.close();
`;

describe("SQLite with another writer", () => {
  it("waits for another process's write transaction to commit, then writes", async () => {
    const shop = await createTestShop(db());
    const holder = spawn(process.execPath, ["--input-type=module", "-e", HOLDER, process.env.DATABASE_URL!, shop.id, "400"], { stdio: ["ignore", "pipe", "inherit"] });
    const exited = once(holder, "exit");
    await new Promise<void>((resolve, reject) => {
      holder.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("held") && resolve());
      holder.once("exit", (code) => reject(new Error(`the holder exited (${code}) before holding the lock`)));
    });
    const outcome = await db().program.update({ where: { shopId: shop.id }, data: { programName: "Second" } }).then(() => "written", (error: unknown) => `failed: ${String(error)}`);
    expect(outcome).toBe("written");
    expect(((await exited) as [number | null])[0]).toBe(0);
    // The holder's write committed first; the second one after it.
    expect((await db().program.findUniqueOrThrow({ where: { shopId: shop.id } })).programName).toBe("Second");
  });
});
