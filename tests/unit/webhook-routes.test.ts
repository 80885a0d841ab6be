import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// scripts/serve.mjs hands a POST to any routes/webhooks.* path straight to the intake
// (receiveWebhook, exported by app/entry.server.tsx), without Remix's router. That is only
// the same as Remix's answer while every webhook route's action is exactly the intake.

const routes = path.join(import.meta.dirname, "..", "..", "app", "routes");

describe("webhook routes", () => {
  const files = readdirSync(routes).filter((f) => f.startsWith("webhooks."));
  it("exist for every topic Kanta subscribes to", () => {
    expect(files.length).toBeGreaterThanOrEqual(13);
  });
  for (const file of files) {
    it(`${file}: its action is the intake and it has no loader or page`, () => {
      const source = readFileSync(path.join(routes, file), "utf8");
      expect(source).toMatch(/export const action = \(\{ request \}: ActionFunctionArgs\) => receiveWebhook\(request\);/);
      expect(source).not.toMatch(/export (const|async function|function) loader|export default/);
    });
  }
});
