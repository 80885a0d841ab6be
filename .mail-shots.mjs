import { launchChromium } from "./scripts/chromium.mjs";
const base = process.argv[2];
const browser = await launchChromium();
const sizes = { desktop: { width: 1280, height: 900 }, mobile: { width: 390, height: 844 } };
async function shoot(name, url, size, act, full = true) {
  const context = await browser.newContext({ viewport: sizes[size] });
  const page = await context.newPage();
  await page.goto(url, { waitUntil: "networkidle" });
  if (act) await act(page);
  await page.waitForTimeout(600);
  await page.screenshot({ path: `docs/screenshots/${name}-${size}.png`, fullPage: full });
  await context.close();
}
const editor = async (page) => {
  await page.getByRole("button", { name: "Edit Points earned" }).click();
  await page.frameLocator("iframe[title='Email preview']").getByText("See your rewards").waitFor();
};
for (const size of ["desktop", "mobile"]) {
  await shoot("admin-emails", `${base}/app/emails`, size);
  await shoot("admin-emails-editor", `${base}/app/emails`, size, editor);
}
await shoot("local-mail", `${base}/local/mail`, "desktop");
const p = await browser.newPage();
await p.goto(`${base}/local/mail`);
const href = await p.locator('a[href^="/local/mail/"]').first().getAttribute("href");
await shoot("local-mail-message", `${base}${href}`, "desktop");
await p.goto(`${base}${href}`);
const unsub = await p.frameLocator("iframe").locator('a[href*="/email/unsubscribe"]').first().getAttribute("href");
await shoot("email-unsubscribe", unsub, "mobile");
await browser.close();
