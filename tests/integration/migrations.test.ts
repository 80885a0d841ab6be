import { Prisma } from "@prisma/client";
import { describe, expect, it } from "vitest";
import { TEST_DB, useTestDatabase } from "../db";

// The migrations, applied in order to an empty database (the test template), give every
// table and column the schema declares. Branches that each rebuild a SQLite table (Prisma's
// "RedefineTables": create new_X, copy, drop, rename) from their own schema drop each other's
// new columns when merged; this catches it before a deploy does.

const { db } = useTestDatabase();

async function columnsOf(table: string): Promise<string[]> {
  if (TEST_DB === "postgres") {
    const rows = await db().$queryRawUnsafe<{ column_name: string }[]>(
      `SELECT column_name::text AS column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1::text`,
      table,
    );
    return rows.map((r) => r.column_name);
  }
  const rows = await db().$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM pragma_table_info(?)`, table);
  return rows.map((r) => r.name);
}

describe("migrations", () => {
  it("create every model's table with every scalar field's column", async () => {
    const models = Prisma.dmmf.datamodel.models;
    expect(models.length).toBeGreaterThan(40);
    const missing: string[] = [];
    for (const model of models) {
      const table = model.dbName ?? model.name;
      const columns = new Set(await columnsOf(table));
      if (columns.size === 0) missing.push(`table ${table}`);
      for (const field of model.fields) {
        if ((field.kind === "scalar" || field.kind === "enum") && !columns.has(field.name)) missing.push(`${table}.${field.name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
