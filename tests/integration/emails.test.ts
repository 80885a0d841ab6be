import { describe, expect, it } from "vitest";
import { RETRY } from "../../app/jobs/backoff";
import { runDueEmails, type MailTransport, type OutgoingEmail } from "../../app/jobs/email-job.server";
import { getEnv, resetEnvCache } from "../../app/env.server";
import { action as eventsAction } from "../../app/routes/email.events";
import { action as unsubscribeAction, loader as unsubscribeLoader } from "../../app/routes/email.unsubscribe";
import { loadAdminSchema } from "../../app/local/admin-schema.server";
import { AdminEmulator } from "../../app/local/emulator.server";
import { emailDeliveryLog, saveOccasionEmail, saveSender } from "../../app/loyalty/notify/email.server";
import { defaultOccasionEmail } from "../../app/loyalty/notify/email-settings";
import { occasionKey, type OccasionDataInput, type OccasionKind } from "../../app/loyalty/notify/occasions";
import { recordOccasion } from "../../app/loyalty/notify/occasions.server";
import { mailEventsSignature, verifyUnsubscribe } from "../../app/loyalty/notify/unsubscribe";
import { inTransaction } from "../../app/loyalty/tx.server";
import { eraseCustomer } from "../../app/loyalty/members/compliance.server";
import { createTestShop, useTestDatabase } from "../db";
import { expectLoggedError } from "../logged-errors";

// The email channel (app/jobs/email-job.server.ts): one email per member per occasion, the
// hourly cap, retries and dead with the error kept, suppression, consent, language.

const { db } = useTestDatabase();
const emulator = new AdminEmulator(loadAdminSchema());
const graphqlFor = async (domain: string) => emulator.client(domain);

class Outbox implements MailTransport {
  sent: OutgoingEmail[] = [];
  failures: unknown[] = [];
  async sendMail(mail: OutgoingEmail) {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push(mail);
    return { messageId: `<${this.sent.length}@test>` };
  }
}

let gid = 1;
async function setup(memberData: { locale?: string | null; email?: string | null; firstName?: string } = {}) {
  const shop = await createTestShop(db());
  emulator.addShop({ name: "Test shop", myshopifyDomain: shop.domain, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  const customerGid = `gid://shopify/Customer/${Date.now()}${gid++}`;
  const member = await db().member.create({
    data: { shopId: shop.id, customerGid, email: memberData.email === undefined ? "member@example.com" : memberData.email, locale: memberData.locale ?? null, firstName: memberData.firstName ?? "Aino", points: 1250 },
  });
  return { shop, member, emulator, graphqlFor, outbox: new Outbox() };
}

async function record<K extends OccasionKind>(shopId: string, memberId: string | null, kind: K, data: OccasionDataInput<K>, key = occasionKey(kind, memberId ?? "x", Math.random().toString(36)), email?: string) {
  return inTransaction(db(), (tx) => recordOccasion(tx, { shopId, memberId, kind, key, data, email }));
}

const delivery = (occasionId: string) => db().occasionDelivery.findFirstOrThrow({ where: { occasionId, channel: "email" } });

describe("loyalty emails", () => {
  it("sends one email per member per occasion, even when the occasion is replayed and the job runs again", async () => {
    const { shop, member, outbox, graphqlFor } = await setup();
    const key = occasionKey("points_earned", "gid://shopify/Order/77");
    for (let i = 0; i < 3; i++) await record(shop.id, member.id, "points_earned", { points: 120, orderName: "#1077" }, key);
    const first = await runDueEmails(db(), { shopId: shop.id, transport: outbox, graphqlFor });
    const again = await runDueEmails(db(), { shopId: shop.id, transport: outbox, graphqlFor, now: new Date(Date.now() + 10 * 60_000) });
    expect(first.sent).toBe(1);
    expect(again.sent).toBe(0);
    expect(outbox.sent).toHaveLength(1);
    const mail = outbox.sent[0]!;
    expect(mail.to).toBe("member@example.com");
    expect(mail.subject).toBe("You earned 120 points");
    expect(mail.from).toBe(`"Test shop" <${getEnv().MAIL_FROM}>`);
    // Balance, the button, the unsubscribe link in HTML and text; RFC 8058 headers.
    expect(mail.html).toContain("Your balance: 1,250 points");
    expect(mail.html).toContain(`href="https://${shop.domain}/"`);
    expect(mail.text).toContain("Your balance: 1,250 points");
    expect(mail.text).toContain(`See your rewards: https://${shop.domain}/`);
    expect(mail.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    const link = /^<(.+)>$/.exec(mail.headers["List-Unsubscribe"]!)![1]!;
    expect(verifyUnsubscribe(getEnv().SHOPIFY_API_SECRET, new URL(link).searchParams)).toEqual({ shopId: shop.id, memberId: member.id });
    expect(mail.html).toContain(link.replace(/&/g, "&amp;"));
    expect(mail.text).toContain(link);
    const row = await db().occasionDelivery.findFirstOrThrow({ where: { shopId: shop.id, channel: "email" } });
    expect(row).toMatchObject({ status: "sent", recipient: "member@example.com", attempts: 1 });
  });

  it("lets the process's other work in between deliveries (SQLite's driver never waits on I/O)", async () => {
    const { shop, member, outbox, graphqlFor } = await setup();
    for (let i = 0; i < 8; i++) await record(shop.id, member.id, "points_earned", { points: 10 + i });
    // What an acknowledgement arriving meanwhile needs: turns of the event loop while the job runs.
    let turns = 0;
    let running = true;
    const turn = () => {
      if (!running) return;
      turns++;
      setImmediate(turn);
    };
    setImmediate(turn);
    const stats = await runDueEmails(db(), { shopId: shop.id, transport: outbox, graphqlFor });
    running = false;
    expect(stats.sent).toBe(8);
    expect(turns).toBeGreaterThanOrEqual(8);
  });

  it("writes in the member's language, else the shop's primary language; sender name and reply-to from the settings", async () => {
    const fi = await setup({ locale: "fi-FI" });
    await saveSender(db(), fi.shop.id, { senderName: "Kahvila Aino", replyTo: "asiakaspalvelu@example.com", logoUrl: null, rewardsUrl: "https://shop.example.com/pages/rewards" });
    await record(fi.shop.id, fi.member.id, "tier_reached", { tierName: "Kulta" });
    await runDueEmails(db(), { shopId: fi.shop.id, transport: fi.outbox, graphqlFor: fi.graphqlFor });
    expect(fi.outbox.sent[0]).toMatchObject({ subject: "Tervetuloa tasolle Kulta", from: `"Kahvila Aino" <${getEnv().MAIL_FROM}>`, replyTo: "asiakaspalvelu@example.com" });
    expect(fi.outbox.sent[0]!.text).toContain(`Saldosi: ${new Intl.NumberFormat("fi").format(1250)} pistettä`);
    expect(fi.outbox.sent[0]!.html).toContain('href="https://shop.example.com/pages/rewards"');

    const sv = await setup({ locale: null });
    await db().shop.update({ where: { id: sv.shop.id }, data: { primaryLocale: "sv" } });
    await record(sv.shop.id, sv.member.id, "points_expiring", { points: 300, expiresOn: "2027-01-31" });
    await runDueEmails(db(), { shopId: sv.shop.id, transport: sv.outbox, graphqlFor: sv.graphqlFor });
    expect(sv.outbox.sent[0]!.subject).toBe("300 poäng går ut 31 januari 2027");

    // A language the widget does not speak falls back to the shop's, then English.
    const ja = await setup({ locale: "ja-JP" });
    await record(ja.shop.id, ja.member.id, "welcome", { points: 50 });
    await runDueEmails(db(), { shopId: ja.shop.id, transport: ja.outbox, graphqlFor: ja.graphqlFor });
    expect(ja.outbox.sent[0]!.subject).toBe("Welcome to Rewards, Aino");

    // German is one of the twelve (0036): dates the German way.
    const de = await setup({ locale: "de-DE" });
    await record(de.shop.id, de.member.id, "points_expiring", { points: 300, expiresOn: "2027-01-31" });
    await runDueEmails(db(), { shopId: de.shop.id, transport: de.outbox, graphqlFor: de.graphqlFor });
    expect(de.outbox.sent[0]!.subject).toBe("300 Punkte verfallen am 31. Januar 2027");
  });

  it("the merchant's own subject and text replace the default for that language", async () => {
    const { shop, member, outbox, graphqlFor } = await setup();
    await saveOccasionEmail(db(), shop.id, "birthday", { ...defaultOccasionEmail("birthday"), texts: { en: { subject: "Hooray {name}!", text: "Cake: {gift} <b>now</b>" } } });
    await record(shop.id, member.id, "birthday", { points: 200 });
    await runDueEmails(db(), { shopId: shop.id, transport: outbox, graphqlFor });
    expect(outbox.sent[0]!.subject).toBe("Hooray Aino!");
    expect(outbox.sent[0]!.text).toContain("Cake: 200 points <b>now</b>");
    // Text is escaped in the HTML, never markup.
    expect(outbox.sent[0]!.html).toContain("Cake: 200 points &lt;b&gt;now&lt;/b&gt;");
  });

  it("an occasion turned off records no email delivery; one turned off after recording is skipped", async () => {
    const { shop, member, outbox, graphqlFor } = await setup();
    const pending = await record(shop.id, member.id, "anniversary", { years: 2 });
    await saveOccasionEmail(db(), shop.id, "anniversary", { ...defaultOccasionEmail("anniversary"), on: false });
    const after = await record(shop.id, member.id, "anniversary", { years: 3 });
    expect(after.channels).toEqual([]);
    await runDueEmails(db(), { shopId: shop.id, transport: outbox, graphqlFor });
    expect(outbox.sent).toHaveLength(0);
    expect(await delivery(pending.id)).toMatchObject({ status: "skipped", lastError: "this occasion's email is turned off" });
  });

  it("over the shop's hourly cap, emails wait for the next hour without using an attempt, then go", async () => {
    const { shop, member, outbox, graphqlFor } = await setup();
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await record(shop.id, member.id, "points_earned", { points: 10 + i })).id);
    const now = new Date();
    const first = await runDueEmails(db(), { shopId: shop.id, transport: outbox, graphqlFor, hourlyCap: 3, now });
    expect(first).toMatchObject({ sent: 3, deferred: 2 });
    const waiting = await db().occasionDelivery.findMany({ where: { shopId: shop.id, channel: "email", status: "pending" } });
    expect(waiting).toHaveLength(2);
    for (const w of waiting) {
      expect(w.attempts).toBe(0);
      expect(w.nextAttemptAt.getTime()).toBeGreaterThan(now.getTime() + 59 * 60_000);
      expect(w.lastError).toMatch(/hourly cap of 3/);
    }
    // Not before the hour: nothing due.
    expect((await runDueEmails(db(), { shopId: shop.id, transport: outbox, graphqlFor, hourlyCap: 3, now: new Date(now.getTime() + 30 * 60_000) })).sent).toBe(0);
    const later = await runDueEmails(db(), { shopId: shop.id, transport: outbox, graphqlFor, hourlyCap: 3, now: new Date(now.getTime() + 61 * 60_000) });
    expect(later.sent).toBe(2);
    expect(outbox.sent).toHaveLength(5);
  });

  it("retries with backoff, ends dead after the limit with the SMTP error shown in the log", async () => {
    expectLoggedError(/email dead .*Greylisted/);
    const { shop, member, outbox, graphqlFor } = await setup();
    const { id } = await record(shop.id, member.id, "welcome", { points: 0 });
    const smtpError = Object.assign(new Error("Greylisted, try again later"), { responseCode: 451, command: "RCPT TO" });
    outbox.failures = Array.from({ length: RETRY.email.maxAttempts }, () => smtpError);
    let now = new Date();
    const delays: number[] = [];
    for (let i = 0; i < RETRY.email.maxAttempts; i++) {
      await runDueEmails(db(), { shopId: shop.id, transport: outbox, graphqlFor, now });
      const row = await delivery(id);
      if (row.status !== "pending") break;
      delays.push(row.nextAttemptAt.getTime() - now.getTime());
      expect(await runDueEmails(db(), { shopId: shop.id, transport: outbox, graphqlFor, now: new Date(row.nextAttemptAt.getTime() - 1) })).toMatchObject({ sent: 0, retrying: 0 });
      now = new Date(row.nextAttemptAt.getTime() + 1);
    }
    expect(delays.slice(0, 3)).toEqual([1_000, 4_000, 16_000]);
    const row = await delivery(id);
    expect(row).toMatchObject({ status: "dead", attempts: RETRY.email.maxAttempts });
    expect(row.lastError).toContain("Greylisted, try again later");
    const log = await emailDeliveryLog(db(), shop.id, { status: "dead" });
    expect(log.map((r) => [r.kind, r.lastError])).toEqual([["welcome", row.lastError]]);
    // A temporary failure does not suppress the address.
    expect(await db().emailSuppression.count({ where: { shopId: shop.id } })).toBe(0);
  });

  it("a permanent rejection of the address makes the row dead at once and suppresses the address; nothing more goes there", async () => {
    expectLoggedError(/email dead .*User unknown/);
    const { shop, member, outbox, graphqlFor } = await setup();
    const first = await record(shop.id, member.id, "welcome", { points: 0 });
    outbox.failures = [Object.assign(new Error("550 5.1.1 User unknown"), { responseCode: 550, command: "RCPT TO" })];
    await runDueEmails(db(), { shopId: shop.id, transport: outbox, graphqlFor });
    expect(await delivery(first.id)).toMatchObject({ status: "dead", attempts: 1 });
    expect(await db().emailSuppression.findFirst({ where: { shopId: shop.id } })).toMatchObject({ email: "member@example.com", reason: "rejected" });
    const second = await record(shop.id, member.id, "points_earned", { points: 5 });
    await runDueEmails(db(), { shopId: shop.id, transport: outbox, graphqlFor });
    expect(outbox.sent).toHaveLength(0);
    expect((await delivery(second.id)).status).toBe("skipped");
  });

  it("subscribed-only occasions go only to customers Shopify has as SUBSCRIBED; the state is kept on the member", async () => {
    const a = await setup();
    a.emulator.addCustomer(a.shop.domain, { id: a.member.customerGid, email: "member@example.com", phone: null, numberOfOrders: 1, addresses: [], marketingState: "SUBSCRIBED" });
    const b = await setup();
    b.emulator.addCustomer(b.shop.domain, { id: b.member.customerGid, email: "member@example.com", phone: null, numberOfOrders: 1, addresses: [], marketingState: "UNSUBSCRIBED" });
    // winback is subscribed-only by default; points_earned goes to every member.
    const aWin = await record(a.shop.id, a.member.id, "winback", { days: 120 });
    const bWin = await record(b.shop.id, b.member.id, "winback", { days: 120 });
    const bEarned = await record(b.shop.id, b.member.id, "points_earned", { points: 10 });
    await runDueEmails(db(), { shopId: a.shop.id, transport: a.outbox, graphqlFor: a.graphqlFor });
    await runDueEmails(db(), { shopId: b.shop.id, transport: b.outbox, graphqlFor: b.graphqlFor });
    expect((await delivery(aWin.id)).status).toBe("sent");
    expect(await delivery(bWin.id)).toMatchObject({ status: "skipped", lastError: expect.stringMatching(/subscribed to email marketing/) });
    expect((await delivery(bEarned.id)).status).toBe("sent");
    expect((await db().member.findUniqueOrThrow({ where: { id: a.member.id } })).emailMarketingState).toBe("SUBSCRIBED");
    expect((await db().member.findUniqueOrThrow({ where: { id: b.member.id } })).emailMarketingState).toBe("UNSUBSCRIBED");
  });

  it("an unsubscribed member and a member without an address are skipped with the reason", async () => {
    const { shop, member, outbox, graphqlFor } = await setup();
    await db().member.update({ where: { id: member.id }, data: { emailUnsubscribedAt: new Date() } });
    const u = await record(shop.id, member.id, "welcome", { points: 0 });
    const noMail = await setup({ email: null });
    const n = await record(noMail.shop.id, noMail.member.id, "welcome", { points: 0 });
    await runDueEmails(db(), { shopId: shop.id, transport: outbox, graphqlFor });
    await runDueEmails(db(), { shopId: noMail.shop.id, transport: noMail.outbox, graphqlFor: noMail.graphqlFor });
    expect(outbox.sent.length + noMail.outbox.sent.length).toBe(0);
    expect(await delivery(u.id)).toMatchObject({ status: "skipped", lastError: "the member unsubscribed from loyalty emails" });
    expect(await delivery(n.id)).toMatchObject({ status: "skipped", lastError: "no email address" });
  });

  it("a friend who is not a member gets the welcome code by address, with the code in the email", async () => {
    const { shop, outbox, graphqlFor } = await setup();
    const f = await record(shop.id, null, "friend_welcome_code", { code: "FRIEND-7Q2", rewardText: "10% off", referrerName: "Aino" }, "friend_welcome_code:r9", "Friend@Example.com");
    await runDueEmails(db(), { shopId: shop.id, transport: outbox, graphqlFor });
    expect(await delivery(f.id)).toMatchObject({ status: "sent", recipient: "friend@example.com" });
    expect(outbox.sent[0]!.subject).toBe("A gift from Aino: 10% off");
    expect(outbox.sent[0]!.html).toContain("FRIEND-7Q2");
    const link = /^<(.+)>$/.exec(outbox.sent[0]!.headers["List-Unsubscribe"]!)![1]!;
    expect(verifyUnsubscribe(getEnv().SHOPIFY_API_SECRET, new URL(link).searchParams)).toEqual({ shopId: shop.id, email: "friend@example.com" });
  });

  it("without SMTP_URL, emails wait (no attempt used) until there is a transport", async () => {
    const { shop, member, outbox, graphqlFor } = await setup();
    const { id } = await record(shop.id, member.id, "welcome", { points: 0 });
    const now = new Date();
    expect(await runDueEmails(db(), { shopId: shop.id, transport: null, graphqlFor, now })).toMatchObject({ deferred: 1, sent: 0 });
    expect(await delivery(id)).toMatchObject({ status: "pending", attempts: 0, lastError: expect.stringMatching(/SMTP_URL/) });
    await runDueEmails(db(), { shopId: shop.id, transport: outbox, graphqlFor, now: new Date(now.getTime() + 6 * 60_000) });
    expect((await delivery(id)).status).toBe("sent");
  });
});

describe("the unsubscribe link and the bounce webhook", () => {
  async function sentLink() {
    const s = await setup();
    await record(s.shop.id, s.member.id, "welcome", { points: 0 });
    await runDueEmails(db(), { shopId: s.shop.id, transport: s.outbox, graphqlFor });
    const link = /^<(.+)>$/.exec(s.outbox.sent[0]!.headers["List-Unsubscribe"]!)![1]!;
    return { ...s, link };
  }
  const unsubscribedAt = async (memberId: string) => (await db().member.findUniqueOrThrow({ where: { id: memberId } })).emailUnsubscribedAt;
  const post = (url: string, body: string) => unsubscribeAction({ request: new Request(url, { method: "POST", body, headers: { "Content-Type": "application/x-www-form-urlencoded" } }), params: {}, context: {} });

  it("GET shows a confirmation and changes nothing; the page's POST unsubscribes and offers to subscribe again", async () => {
    const { member, link } = await sentLink();
    const page = await unsubscribeLoader({ request: new Request(link), params: {}, context: {} });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Stop loyalty emails from Test shop?");
    expect(await unsubscribedAt(member.id)).toBeNull();
    const done = await post(link, "action=unsubscribe");
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("Subscribe again");
    expect(await unsubscribedAt(member.id)).not.toBeNull();
    const back = await post(link, "action=resubscribe");
    expect(await back.text()).toContain("You are subscribed again");
    expect(await unsubscribedAt(member.id)).toBeNull();
  });

  it("the RFC 8058 one-click POST unsubscribes, and the member gets no more loyalty emails", async () => {
    const { shop, member, link, outbox } = await sentLink();
    const r = await post(link, "List-Unsubscribe=One-Click");
    expect(r.status).toBe(200);
    expect(await unsubscribedAt(member.id)).not.toBeNull();
    await record(shop.id, member.id, "points_earned", { points: 40 });
    await runDueEmails(db(), { shopId: shop.id, transport: outbox, graphqlFor });
    expect(outbox.sent).toHaveLength(1);
  });

  it("a forged or edited link answers 403 and changes nothing", async () => {
    const { member, link } = await sentLink();
    const other = await setup();
    const edited = new URL(link);
    edited.searchParams.set("m", other.member.id);
    const forged = new URL(link);
    forged.searchParams.set("t", "A".repeat(43));
    const cut = new URL(link);
    cut.searchParams.delete("t");
    for (const url of [edited, forged, cut]) {
      expect((await unsubscribeLoader({ request: new Request(url), params: {}, context: {} })).status).toBe(403);
      expect((await post(url.toString(), "List-Unsubscribe=One-Click")).status).toBe(403);
    }
    expect(await unsubscribedAt(member.id)).toBeNull();
    expect(await unsubscribedAt(other.member.id)).toBeNull();
  });

  it("a signed bounce report suppresses the address for the shops that sent to it; a bad signature changes nothing", async () => {
    process.env.MAIL_EVENTS_SECRET = "test-events-secret-0123456789";
    resetEnvCache();
    try {
      const { shop } = await sentLink();
      const body = JSON.stringify({ events: [{ type: "bounce", email: "MEMBER@example.com", detail: "550 mailbox full forever" }] });
      const send = (signature: string) => eventsAction({ request: new Request("http://localhost/email/events", { method: "POST", body, headers: { "X-Kanta-Signature": signature } }), params: {}, context: {} });
      expect((await send(mailEventsSignature("wrong-secret-wrong-secret", body))).status).toBe(401);
      expect(await db().emailSuppression.count({ where: { shopId: shop.id } })).toBe(0);
      const ok = await send(mailEventsSignature(process.env.MAIL_EVENTS_SECRET, body));
      expect(ok.status).toBe(200);
      expect(await db().emailSuppression.findFirst({ where: { shopId: shop.id } })).toMatchObject({ email: "member@example.com", reason: "bounce" });
    } finally {
      delete process.env.MAIL_EVENTS_SECRET;
      resetEnvCache();
    }
  });
});

describe("customers/redact", () => {
  it("erases the member's occasions and deliveries, a friend's occasions by address, and the address from the log and the suppression list", async () => {
    const { shop, member, outbox } = await setup();
    await record(shop.id, member.id, "welcome", { points: 0 });
    await record(shop.id, null, "friend_welcome_code", { code: "FRIEND-1" }, "friend_welcome_code:erase", "member@example.com");
    await runDueEmails(db(), { shopId: shop.id, transport: outbox, graphqlFor });
    await db().emailSuppression.create({ data: { shopId: shop.id, email: "member@example.com", reason: "complaint" } });
    const other = await record(shop.id, null, "friend_welcome_code", { code: "FRIEND-2" }, "friend_welcome_code:keep", "someone@example.com");
    await eraseCustomer(db(), { shopDomain: shop.domain, customerGid: member.customerGid, email: "Member@Example.com", dataRequestId: null });
    expect((await db().occasion.findMany({ where: { shopId: shop.id } })).map((o) => o.id)).toEqual([other.id]);
    expect(await db().occasionDelivery.count({ where: { shopId: shop.id, recipient: "member@example.com" } })).toBe(0);
    expect(await db().emailSuppression.count({ where: { shopId: shop.id } })).toBe(0);
  });
});
