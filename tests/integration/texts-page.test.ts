// The Texts and languages page through its route (local mode: the demo staff member is
// signed in): one language's texts and names, an override refused, saved and audited.
import { describe, expect, it } from "vitest";
import { LOCAL_STAFF } from "../../app/shopify/admin.server";
import { action, loader } from "../../app/routes/app.texts";
import { useLocalAdminShop, useTestDatabase } from "../db";

const { db } = useTestDatabase();
let shopId = "";
useLocalAdminShop(db, async (id) => {
  shopId = id;
  await db().reward.create({ data: { shopId: id, type: "percent_off", name: "15% off your order", pointsCost: 500, percentOff: 15 } });
});

const post = (fields: Record<string, string>) => {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  return action({ request: new Request("http://localhost/app/texts", { method: "POST", body }), params: {}, context: {} });
};
const load = async (language: string) => loader({ request: new Request(`http://localhost/app/texts?language=${language}`), params: {}, context: {} });

describe("Texts and languages", () => {
  it("lists one language's texts with their placeholders, and the names to translate", async () => {
    const page = await load("pl");
    expect(page.language).toBe("pl");
    expect(page.languages).toHaveLength(12);
    expect(page.texts.find((t) => t.key === "general.points_few")).toMatchObject({ builtIn: "{count} punkty", override: null, placeholders: ["count"] });
    expect(page.names.find((n) => n.name === "15% off your order")).toMatchObject({ entity: "reward", translation: null });
    expect((await load("xx")).language).toBe("en");
  });

  it("refuses a text without its placeholders, saves a good one with an audit row, and counts it", async () => {
    const refused = await post({ intent: "text", language: "de", key: "rewards.need_more_other", text: "Dir fehlen Punkte" });
    expect(refused).toMatchObject({ ok: false, problem: "placeholders", target: "rewards.need_more_other" });
    const saved = await post({ intent: "text", language: "de", key: "rewards.redeem", text: "Jetzt einlösen" });
    expect(saved).toMatchObject({ ok: true, target: "rewards.redeem" });
    const audit = await db().auditEvent.findFirstOrThrow({ where: { shopId, action: "program.texts_updated" } });
    expect(audit).toMatchObject({ actorId: LOCAL_STAFF.id, subjectLabel: "Texts (de)" });
    const page = await load("de");
    expect(page.texts.find((t) => t.key === "rewards.redeem")!.override).toBe("Jetzt einlösen");
    expect(page.languages.find((l) => l.code === "de")!.overrides).toBe(1);
  });

  it("saves a name in a language", async () => {
    const reward = (await load("fi")).names.find((n) => n.name === "15% off your order")!;
    expect(await post({ intent: "name", language: "fi", entity: "reward", id: reward.id, name: "15 % alennus" })).toMatchObject({ ok: true });
    expect((await load("fi")).names.find((n) => n.id === reward.id)!.translation).toBe("15 % alennus");
    expect(await post({ intent: "name", language: "fi", entity: "order", id: reward.id, name: "x" })).toMatchObject({ ok: false });
  });
});
