// The widget's English texts this page uses, by group (esbuild keeps only these groups): the
// first paint and the errors. Every other language comes from the server with the member view
// (GET /api/customer-account/member?locale=, docs/decisions/0036-languages.md), so the bundle
// stays under Shopify's 64 KB however many languages Kanta speaks.
import { general, member, sections, rewards, ways, referral, activity, errors, tiers, guest } from "../../../app/loyalty/i18n/widget/en.json";
import type { WidgetTexts } from "../../kanta-customer-account";

export const ENGLISH: WidgetTexts = { general, member, sections, rewards, ways, referral, activity, errors, tiers, guest };
