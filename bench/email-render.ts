// Rendering loyalty emails in a batch (app/loyalty/notify/email-render.server.ts): the first
// email of a language compiles MJML, the rest fill the cached HTML. Prints the cold compile,
// then per-email times over a batch in every widget language.
// Not a test: `npm run bench:emails -- [--count 5000]`; copy the table into docs/benchmarks.md.
import "../scripts/require-node.mjs"; // first: refuses an unsupported Node (scripts/node-check.mjs)
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { renderEmail, type EmailBrand } from "../app/loyalty/notify/email-render.server";
import { DEFAULT_EMAIL_TEXTS } from "../app/loyalty/notify/email-texts";
import { SAMPLE_MEMBER } from "../app/loyalty/notify/emails-page";
import { WIDGET_LANGUAGES } from "../app/loyalty/program/settings";

const { values } = parseArgs({ options: { count: { type: "string", default: "5000" } } });
const count = Number(values.count);
const brand: EmailBrand = { shopName: "Demo", programName: "Club", accent: "#1f4d3d", onAccent: null, logoUrl: null, rewardsUrl: "https://demo.example.com/", currencyCode: "EUR", pointsNames: {} };
const unsubscribeUrl = "https://kanta.example.com/email/unsubscribe?s=s&m=m&t=t";

console.log("| language | first email (MJML compile) | per email, batch of " + count + " (p50 / p99) |");
console.log("|---|---|---|");
for (const { code } of WIDGET_LANGUAGES) {
  const one = (points: number) => renderEmail({ kind: "points_earned", data: { points }, language: code, text: DEFAULT_EMAIL_TEXTS.points_earned[code], brand, member: SAMPLE_MEMBER, unsubscribeUrl });
  let t = performance.now();
  await one(1);
  const cold = performance.now() - t;
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    t = performance.now();
    await one(i + 2);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(3);
  console.log(`| ${code} | ${cold.toFixed(1)} ms | ${q(0.5)} ms / ${q(0.99)} ms |`);
}
