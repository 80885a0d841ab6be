import { describe, expect, it } from "vitest";
import { BodyTooLargeError, readLimitedBody } from "../../app/http/body-limit.server";
import { BODY_LIMITS, bodyLimitFor } from "../../scripts/body-limits.mjs";
import { receiveWebhook } from "../../app/webhooks/inbox.server";

// Request bodies are refused over their route's limit before they are held: from
// Content-Length without reading, or as soon as the bytes read pass the limit.
// docs/decisions/0013-abuse-limits.md

/** A body of `chunks` chunks of `size` bytes, counting how many the reader pulled. */
function streamed(chunks: number, size: number) {
  const state = { pulled: 0, cancelled: false };
  const chunk = new Uint8Array(size).fill(0x61);
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled === chunks) return controller.close();
      state.pulled++;
      controller.enqueue(chunk);
    },
    cancel() {
      state.cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { body, state };
}

function post(body: ReadableStream<Uint8Array> | string, headers: Record<string, string> = {}) {
  return new Request("http://kanta.test/webhooks/orders/paid", { method: "POST", headers, body, duplex: "half" } as RequestInit);
}

describe("the limits", () => {
  it("are 10 MiB for webhooks, 64 KiB for app proxy posts, 1 MiB for the admin and 257 MiB for the member import's upload", () => {
    expect(BODY_LIMITS).toEqual({ webhook: 10 * 1024 * 1024, proxy: 64 * 1024, admin: 1024 * 1024, import: 257 * 1024 * 1024 });
    expect(bodyLimitFor("/app/members/import/upload")).toEqual({ kind: "import", bytes: BODY_LIMITS.import });
    expect(bodyLimitFor("/app/members/import/upload/x").kind).toBe("admin");
    expect(bodyLimitFor("/app/members/import").kind).toBe("admin");
    expect(bodyLimitFor("/webhooks/orders/paid")).toEqual({ kind: "webhook", bytes: BODY_LIMITS.webhook });
    expect(bodyLimitFor("/webhooks/compliance").kind).toBe("webhook");
    expect(bodyLimitFor("/proxy/redeem")).toEqual({ kind: "proxy", bytes: BODY_LIMITS.proxy });
    expect(bodyLimitFor("/apps/kanta/referral/claim").kind).toBe("proxy");
    expect(bodyLimitFor("/app/members/123")).toEqual({ kind: "admin", bytes: BODY_LIMITS.admin });
    expect(bodyLimitFor("/webhooksx").kind).toBe("admin");
  });
});

describe("readLimitedBody", () => {
  it("refuses a declared Content-Length over the limit without reading a byte", async () => {
    const { body, state } = streamed(100, 1024);
    await expect(readLimitedBody(post(body, { "content-length": String(100 * 1024) }), 1000)).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(state.pulled).toBe(0);
  });

  it("refuses a body without Content-Length as soon as it passes the limit, and stops reading", async () => {
    const { body, state } = streamed(10_000, 1024); // 10 MB offered
    const error = await readLimitedBody(post(body), 4 * 1024).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodyTooLargeError);
    expect((error as BodyTooLargeError).limit).toBe(4096);
    expect(state.pulled).toBeLessThanOrEqual(6);
    expect(state.cancelled).toBe(true);
  });

  it("reads a body within the limit, exactly at it too, and a lying Content-Length is still counted", async () => {
    expect(await readLimitedBody(post("héllo"), 6)).toBe("héllo");
    const { body } = streamed(4, 1024);
    expect((await readLimitedBody(post(body), 4096)).length).toBe(4096);
    const { body: lying, state } = streamed(50, 1024);
    await expect(readLimitedBody(post(lying, { "content-length": "10" }), 8 * 1024)).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(state.pulled).toBeLessThanOrEqual(10);
  });
});

describe("webhook intake", () => {
  it("answers an oversized webhook 413 before checking its HMAC, having read at most the limit", async () => {
    const chunk = 1024 * 1024;
    const { body, state } = streamed(150, chunk); // the 150 MB unsigned POST
    const response = await receiveWebhook(post(body, { "x-shopify-topic": "orders/paid", "x-shopify-shop-domain": "farm.myshopify.com" }));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: "body_too_large", message: `The request body is larger than ${BODY_LIMITS.webhook} bytes.`, limitBytes: BODY_LIMITS.webhook });
    expect(state.pulled * chunk).toBeLessThanOrEqual(BODY_LIMITS.webhook + 2 * chunk);
  });
});
