#!/usr/bin/env node
// Screenshots for docs/screenshots/, from a running local mode (npm run local):
//   node scripts/screenshots.mjs [http://localhost:3000]
// Every admin page and the storefront widget, at desktop (1280) and phone (390) widths.
import "./require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import { launchChromium } from "./chromium.mjs";

const base = process.argv[2] ?? "http://localhost:3000";
const browser = await launchChromium();
const sizes = { desktop: { width: 1280, height: 900 }, mobile: { width: 390, height: 844 } };
const out = (name) => `docs/screenshots/${name}.png`;

async function shoot(name, url, size, act) {
  const context = await browser.newContext({ viewport: sizes[size] });
  const page = await context.newPage();
  await page.goto(url, { waitUntil: "networkidle" });
  if (act) await act(page);
  await page.waitForTimeout(400);
  await page.screenshot({ path: out(`${name}-${size}`), fullPage: !act });
  await context.close();
}

const openPanel = async (page) => {
  await page.getByRole("button", { name: /Rewards|Edut/ }).click();
  await page.getByRole("dialog").waitFor();
  await page.waitForTimeout(500);
};

// Pages that need an id: the first member, the purchase rule, the first campaign and reward.
async function firstHref(path, selector) {
  const page = await browser.newPage();
  await page.goto(`${base}${path}`, { waitUntil: "networkidle" });
  const href = await page.locator(selector).first().getAttribute("href");
  await page.close();
  return href;
}

try {
  const member = await firstHref("/app/members", 'a[href^="/app/members/"]');
  const campaign = await firstHref("/app/earn", 'a[href^="/app/earn/campaigns/"]');
  const reward = await firstHref("/app/rewards", 'a[href^="/app/rewards/"]:not([href$="/new"])');
  const admin = {
    "admin-home": "/app",
    "admin-members": "/app/members",
    "admin-member": member,
    "admin-earn": "/app/earn",
    "admin-earn-purchase": null, // opened from the list below
    "admin-campaign": campaign,
    "admin-rewards": "/app/rewards",
    "admin-reward-edit": reward,
    "admin-tiers": "/app/tiers",
    "admin-referrals": "/app/referrals",
    "admin-referral-settings": "/app/referrals/settings",
    "admin-emails": "/app/emails",
    "admin-settings": "/app/settings",
    "admin-activity": "/app/activity",
  };
  for (const size of ["desktop", "mobile"]) {
    for (const [name, path] of Object.entries(admin)) {
      if (name === "admin-earn-purchase") {
        await shoot(name, `${base}/app/earn`, size, async (page) => {
          await page.getByRole("link", { name: "Place an order" }).click();
          await page.getByTestId("purchase-preview").waitFor();
        });
      } else if (path) {
        await shoot(name, `${base}${path}`, size);
      }
      if (name === "admin-emails") {
        // The editor of one occasion with its live preview.
        await shoot("admin-emails-editor", `${base}/app/emails`, size, async (page) => {
          await page.getByRole("button", { name: "Edit Points earned" }).click();
          await page.getByRole("tab", { name: "English text" }).click();
          await page.frameLocator("iframe[title='Email preview']").getByText("See your rewards").waitFor();
        });
      }
    }
    await shoot("widget-guest", `${base}/local/storefront?customer=guest`, size, openPanel);
    await shoot("widget-member", `${base}/local/storefront?customer=7390000001003`, size, openPanel);
  }
  await shoot("widget-member-fi", `${base}/local/storefront?customer=7390000001001&locale=fi`, "desktop", openPanel);
  await shoot("widget-code", `${base}/local/storefront?customer=7390000001002`, "desktop", async (page) => {
    await openPanel(page);
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Redeem" }).first().click();
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await dialog.getByText(/KANTA-[0-9A-Z]{4}-[0-9A-Z]{4}/).first().waitFor();
  });
  let referralLink = null;
  await shoot("widget-referral-share", `${base}/local/storefront?customer=7390000001001`, "desktop", async (page) => {
    await openPanel(page);
    const section = page.getByRole("dialog").getByRole("region", { name: "Refer a friend" });
    await section.scrollIntoViewIfNeeded();
    referralLink = await section.locator("input").first().inputValue();
  });
  if (referralLink) {
    const path = new URL(referralLink).pathname;
    await shoot("widget-referral-friend", `${base}${path}`, "desktop", async (page) => {
      await page.getByRole("dialog").waitFor();
    });
  }
  // What members get: local mode's caught mail (after `npm run local` has sent some).
  await shoot("local-mail", `${base}/local/mail`, "desktop");
  const firstMail = await firstHref("/local/mail", 'a[href^="/local/mail/"]');
  if (firstMail) await shoot("local-mail-message", `${base}${firstMail}`, "desktop");
  await shoot("rewards-page", `${base}/local/storefront/rewards?customer=7390000001003`, "desktop");
} finally {
  await browser.close();
}
console.log("screenshots written to docs/screenshots/");
