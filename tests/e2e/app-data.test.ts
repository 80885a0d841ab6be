import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { root, useLocalKanta } from "./local-server";

// Local mode end to end: the job sweep syncs the app-data metafield to the emulator, and
// the storefront's app embed (rendered from the extension's Liquid) follows it: pausing the
// program on Home removes a guest's launcher without any app proxy call, resuming brings it back.

// Test builds fold NODE_ENV=test into the server, which turns background jobs off by default.
process.env.KANTA_APP_DATA_JOBS = "1";
const kanta = useLocalKanta();

const guestPage = async () => (await fetch(`${kanta.base}/local/storefront?customer=guest`)).text();

async function homeAction(intent: "pause" | "resume") {
  const body = new URLSearchParams({ intent });
  const response = await fetch(`${kanta.base}/app?index`, { method: "POST", body, headers: { "Content-Type": "application/x-www-form-urlencoded" } });
  expect(response.status).toBe(200);
}

async function until(check: (html: string) => boolean, ms = 20_000): Promise<string> {
  const end = Date.now() + ms;
  let html = "";
  while (Date.now() < end) {
    html = await guestPage();
    if (check(html)) return html;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return html;
}

describe("app-data metafield in local mode", () => {
  it("hides a guest's launcher once the paused status is synced, and shows it again on resume", async () => {
    expect(await guestPage()).toContain('id="kanta-root"');
    // Test builds also skip starting the job runner at boot; the first webhook starts it.
    const simulate = spawnSync(
      process.execPath,
      ["node_modules/tsx/dist/cli.mjs", "scripts/simulate.ts", "orders/paid", "--customer", "7390000001002", "--order", "5550000008888", "--amount", "10.00", "--url", kanta.base],
      { cwd: root, env: kanta.env, encoding: "utf8" },
    );
    expect(simulate.stdout).toMatch(/HTTP 200/);
    await homeAction("pause");
    expect(await until((html) => !html.includes("kanta-root"))).not.toContain("kanta-root");
    await homeAction("resume");
    expect(await until((html) => html.includes('id="kanta-root"'))).toContain('id="kanta-root"');
  }, 60_000);
});
