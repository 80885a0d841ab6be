import { afterEach, describe, expect, it } from "vitest";
import { createPrismaClient, getDb, setDb } from "../../app/db.server";
import { loader as healthz } from "../../app/routes/healthz";
import { loader as readyz } from "../../app/routes/readyz";
import { TEST_DB, useTestDatabase } from "../db";

// /healthz (the process is up) and /readyz (the database answers, every shipped migration
// is applied, Redis answers when REDIS_URL is set), on a real database.

const { db } = useTestDatabase();
const ready = async () => {
  const response = await readyz();
  return { status: response.status, body: (await response.json()) as { ok: boolean; checks: Record<string, { ok: boolean; error?: string; pending?: string[] }> } };
};

afterEach(() => {
  delete process.env.REDIS_URL;
});

describe("/healthz", () => {
  it("answers 200 without asking the database", async () => {
    const original = getDb();
    setDb(createPrismaClient("postgresql://postgres@127.0.0.1:1/nowhere"));
    try {
      const response = healthz();
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("ok\n");
    } finally {
      await getDb().$disconnect();
      setDb(original);
    }
  });
});

describe("/readyz", () => {
  it("is ready with the database reachable and every migration applied", async () => {
    const { status, body } = await ready();
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, checks: { database: { ok: true }, migrations: { ok: true } }, database: TEST_DB });
    expect(body.checks.redis).toBeUndefined();
  });

  it("names a migration that was not applied", async () => {
    const [last] = await db().$queryRawUnsafe<{ id: string; migration_name: string }[]>(`SELECT "id", "migration_name" FROM "_prisma_migrations" ORDER BY "migration_name" DESC LIMIT 1`);
    await db().$executeRawUnsafe(`UPDATE "_prisma_migrations" SET "migration_name" = 'renamed-for-test' WHERE "id" = '${last!.id}'`);
    try {
      const { status, body } = await ready();
      expect(status).toBe(503);
      expect(body.checks.migrations).toEqual({ ok: false, pending: [last!.migration_name], error: "run `npm run setup` to apply them" });
    } finally {
      await db().$executeRawUnsafe(`UPDATE "_prisma_migrations" SET "migration_name" = '${last!.migration_name}' WHERE "id" = '${last!.id}'`);
    }
  });

  it("is not ready when the database does not answer", async () => {
    const original = getDb();
    setDb(createPrismaClient("postgresql://postgres@127.0.0.1:1/nowhere"));
    try {
      const { status, body } = await ready();
      expect(status).toBe(503);
      expect(body.checks.database!.ok).toBe(false);
      expect(body.checks.database!.error).toBeTruthy();
    } finally {
      await getDb().$disconnect();
      setDb(original);
    }
  });

  it("checks Redis when REDIS_URL is set: ready when it answers, not when it does not", async () => {
    process.env.REDIS_URL = process.env.KANTA_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
    expect(await ready()).toMatchObject({ status: 200, body: { checks: { redis: { ok: true } } } });
    process.env.REDIS_URL = "redis://127.0.0.1:1";
    const down = await ready();
    expect(down.status).toBe(503);
    expect(down.body.checks.redis!.ok).toBe(false);
    expect(down.body.checks.database!.ok).toBe(true);
  });
});
