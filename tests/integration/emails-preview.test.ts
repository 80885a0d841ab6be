import { describe, expect, it } from "vitest";
import { action as previewAction } from "../../app/routes/app.emails.preview";
import { action as emailsAction } from "../../app/routes/app.emails";
import { useLocalAdminShop, useTestDatabase } from "../db";

// The Emails page's live preview (POST /app/emails/preview, JSON) and the page's test send:
// a draft renders with the sample member's data; a draft that is not whole is refused with
// a message and renders nothing. Local mode: the demo shop is signed in.

const { db } = useTestDatabase();
useLocalAdminShop(db, () => undefined);

function preview(body: string, method = "POST") {
  return previewAction({
    request: new Request("http://localhost/app/emails/preview", { method, body, headers: { "Content-Type": "application/json" } }),
    params: {},
    context: {},
  });
}

describe("the Emails page's preview", () => {
  it("renders the draft's subject and text with the sample member, in the draft's language", async () => {
    const response = await preview(JSON.stringify({ kind: "birthday", language: "en", text: { subject: "Happy birthday, {name}!", text: "Your gift: {points}." } }));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { subject: string; html: string; text: string; from: string };
    expect(body.subject).toBe("Happy birthday, Aino!");
    expect(body.text).toContain("Your gift: 200 points.");
    expect(body.html).toContain("Happy birthday, Aino!");
    expect(body.from).toMatch(/<.+@.+>$/);
  });

  it.each([
    ["not JSON", "{kind:"],
    ["an occasion Kanta does not email", JSON.stringify({ kind: "reward_redeemed", language: "en", text: { subject: "s", text: "t" } })],
    ["an unknown language", JSON.stringify({ kind: "birthday", language: "xx", text: { subject: "s", text: "t" } })],
    ["a text without its subject", JSON.stringify({ kind: "birthday", language: "en", text: { text: "t" } })],
  ])("refuses %s with 400 and a message", async (_name, body) => {
    const response = await preview(body);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "The preview could not be read. Reload the page and try again." });
  });

  it("a test send checks the address before anything is sent", async () => {
    const body = new FormData();
    body.set("intent", "test");
    body.set("data", JSON.stringify({ kind: "birthday", language: "en", text: { subject: "s", text: "t" }, to: "not-an-address" }));
    const result = await emailsAction({ request: new Request("http://localhost/app/emails", { method: "POST", body }), params: {}, context: {} });
    expect(result).toEqual({ intent: "test", ok: false, error: "Enter the email address to send the test to." });
    body.set("data", JSON.stringify({ kind: "nope", to: "a@example.com" }));
    const unread = await emailsAction({ request: new Request("http://localhost/app/emails", { method: "POST", body }), params: {}, context: {} });
    expect(unread).toEqual({ intent: "test", ok: false, error: "The test could not be read. Reload the page and try again." });
  });
});
