// The widget's English texts this block uses, by group (esbuild keeps only these groups); the
// shopper's language comes from the server with the member view (0036).
import { general, member } from "../../../app/loyalty/i18n/widget/en.json";
import type { WidgetTexts } from "../../kanta-customer-account";

export const ENGLISH: WidgetTexts = { general, member };
