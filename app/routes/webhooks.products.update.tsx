import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../webhooks/inbox.server";

// Verified, stored in the inbox, answered 200; processed by app/jobs (see shopify.app.toml).
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request);
