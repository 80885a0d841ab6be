import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { createPrismaClient } from "../../app/db.server";
import { occasionKey } from "../../app/loyalty/notify/occasions";
import { recordOccasion } from "../../app/loyalty/notify/occasions.server";
import { LOCAL_SHOP } from "../../app/shopify/admin.server";
import { root, untilDemoEnrolled, useLocalKanta, watchProblems } from "./local-server";

// Loyalty emails in local mode: an occasion recorded on the local database is delivered by
// the email job through real SMTP to local mode's mail catcher and shown at /local/mail, in
// the member's language, with the one-click unsubscribe that works from the page; the
// Emails page edits a text, previews it and sends a test that arrives there too.

const kanta = useLocalKanta();
kanta.env.KANTA_EMAIL_JOBS = "1";
const db = createPrismaClient(kanta.env.DATABASE_URL!);
afterAll(() => db.$disconnect());

interface Caught {
  id: number;
  subject: string;
  to: string;
  text: string;
  html: string;
  headers: { name: string; value: string }[];
}

async function waitForMail(match: (m: Caught) => boolean): Promise<Caught> {
  for (let i = 0; i < 120; i++) {
    const { mails } = (await (await fetch(`${kanta.base}/local/mail?format=json`)).json()) as { mails: Caught[] };
    const found = mails.find(match);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("the email did not arrive at /local/mail");
}

describe("loyalty emails in local mode", () => {
  it("delivers an occasion by SMTP to /local/mail in the member's language; its unsubscribe link works", async () => {
    await untilDemoEnrolled(db);
    const shop = await db.shop.findUniqueOrThrow({ where: { domain: LOCAL_SHOP } });
    const member = await db.member.findFirstOrThrow({ where: { shopId: shop.id, email: "aino@example.com" } });
    await db.member.update({ where: { id: member.id }, data: { locale: "fi" } });
    const key = occasionKey("tier_reached", member.id, "e2e");
    // Recorded twice (a replay): one email.
    for (let i = 0; i < 2; i++) await db.$transaction((tx) => recordOccasion(tx, { shopId: shop.id, memberId: member.id, kind: "tier_reached", key, data: { tierName: "Kulta" } }));
    const mail = await waitForMail((m) => m.to.includes("aino@example.com") && m.subject === "Tervetuloa tasolle Kulta");
    expect(mail.text).toContain("Saldosi:");
    expect(mail.headers.find((h) => h.name.toLowerCase() === "list-unsubscribe-post")?.value).toBe("List-Unsubscribe=One-Click");

    const page = await kanta.browser().newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(page);
    await page.goto(`${kanta.base}/local/mail`);
    await page.getByRole("link", { name: "Tervetuloa tasolle Kulta" }).click();
    const frame = page.frameLocator("iframe[title='The email as HTML']");
    await frame.getByText("Katso etusi").waitFor();
    // The unsubscribe link in the email's body: a confirmation page, then one click.
    const href = await frame.getByRole("link", { name: "Peru kanta-asiakasviestit" }).getAttribute("href");
    await page.goto(href!);
    await page.getByRole("button", { name: "Unsubscribe" }).click();
    await page.getByRole("heading", { name: "You are unsubscribed" }).waitFor();
    expect((await db.member.findUniqueOrThrow({ where: { id: member.id } })).emailUnsubscribedAt).not.toBeNull();
    await page.getByRole("button", { name: "Subscribe again" }).click();
    await page.getByRole("heading", { name: "You are subscribed again" }).waitFor();
    expect((await db.member.findUniqueOrThrow({ where: { id: member.id } })).emailUnsubscribedAt).toBeNull();
    const { mails } = (await (await fetch(`${kanta.base}/local/mail?format=json`)).json()) as { mails: Caught[] };
    expect(mails.filter((m) => m.subject === "Tervetuloa tasolle Kulta")).toHaveLength(1);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("the Emails page edits an occasion's text with a live preview and sends a test to /local/mail", async () => {
    const page = await kanta.browser().newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(page);
    await page.goto(`${kanta.base}/app/emails`);
    await page.getByRole("heading", { name: "Occasions" }).waitFor();
    await page.getByRole("button", { name: "Edit Birthday" }).click();
    await page.getByRole("tab", { name: "English text" }).click();
    await page.getByLabel("Subject").fill("Happy birthday from us, {name}!");
    const preview = page.frameLocator("iframe[title='Email preview']");
    await page.getByText("Happy birthday from us, Aino!").first().waitFor();
    await preview.getByText("See your rewards").waitFor();
    await page.getByLabel("Send to", { exact: true }).last().fill("merchant@example.com");
    await page.getByRole("button", { name: "Send test" }).click();
    const mail = await waitForMail((m) => m.to.includes("merchant@example.com"));
    expect(mail.subject).toBe("[Test] Happy birthday from us, Aino!");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("heading", { name: "Occasions" }).waitFor();
    await page.getByRole("row").filter({ hasText: "Birthday" }).getByText("Your text").waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });

  it("an order paid through the webhook emails its points once, in the member's language, even when Shopify sends it again", async () => {
    await untilDemoEnrolled(db);
    const shop = await db.shop.findUniqueOrThrow({ where: { domain: LOCAL_SHOP } });
    await db.member.update({ where: { shopId_customerGid: { shopId: shop.id, customerGid: "gid://shopify/Customer/7390000001002" } }, data: { locale: "da" } });
    const simulate = () =>
      spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/simulate.ts", "orders/paid", "--customer", "7390000001002", "--order", "5550000008888", "--amount", "88.00", "--url", kanta.base], {
        cwd: root,
        env: kanta.env,
        encoding: "utf8",
      });
    expect(simulate().stdout).toMatch(/HTTP 200/);
    const isOrderMail = (m: Caught) => m.to.includes("mikkel@example.com") && m.subject.startsWith("Du har optjent 88 ");
    const mail = await waitForMail(isOrderMail);
    expect(mail.text).toContain("#8888");
    // The same order again (a redelivery): no second email.
    expect(simulate().stdout).toMatch(/HTTP 200/);
    await new Promise((r) => setTimeout(r, 12_000)); // a few email-job sweeps (every 5 s)
    const { mails } = (await (await fetch(`${kanta.base}/local/mail?format=json`)).json()) as { mails: Caught[] };
    expect(mails.filter(isOrderMail)).toHaveLength(1);
  }, 90_000);
});
