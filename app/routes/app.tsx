import type { HeadersFunction, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useNavigation, useRouteError } from "@remix-run/react";
import { useEffect } from "react";
import { NavMenu } from "@shopify/app-bridge-react";
import { boundary } from "@shopify/shopify-app-remix/server";
import polarisStyles from "@shopify/polaris/build/esm/styles.css";
import adminStyles from "../styles/kanta-admin.css";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css";
import { KantaAppProvider } from "../components/KantaAppProvider";
import { requireAdmin } from "../shopify/admin.server";
import { getEnv } from "../env.server";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: polarisStyles },
  { rel: "stylesheet", href: adminStyles },
  { rel: "stylesheet", href: vizStyles }, // charts on Analytics
];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const admin = await requireAdmin(request);
  return { apiKey: getEnv().SHOPIFY_API_KEY, local: admin.local };
};

function Navigation() {
  return (
    <NavMenu>
      <Link to="/app" rel="home">
        Home
      </Link>
      <Link to="/app/members">Members</Link>
      <Link to="/app/analytics">Analytics</Link>
      <Link to="/app/earn">Ways to earn</Link>
      <Link to="/app/rewards">Rewards</Link>
      <Link to="/app/tiers">VIP tiers</Link>
      <Link to="/app/referrals">Referrals</Link>
      <Link to="/app/challenges">Challenges</Link>
      <Link to="/app/surprises">Surprises</Link>
      <Link to="/app/charity">Charity</Link>
      <Link to="/app/emails">Emails</Link>
      <Link to="/app/settings">Settings</Link>
    </NavMenu>
  );
}

/** Shopify admin's loading bar while a page's data loads (App Bridge `shopify.loading`). */
function LoadingBar() {
  const navigation = useNavigation();
  const busy = navigation.state === "loading";
  useEffect(() => {
    const shopify = (globalThis as unknown as { shopify?: { loading?: (on: boolean) => void } }).shopify;
    shopify?.loading?.(busy);
  }, [busy]);
  return null;
}

export default function App() {
  const { apiKey, local } = useLoaderData<typeof loader>();
  // In local mode App Bridge's CDN script is unreachable: /local/app-bridge.js provides the
  // `shopify` global (toasts, save bar, resource picker) and renders the nav menu.
  return (
    <KantaAppProvider apiKey={apiKey} local={local}>
      <Navigation />
      <LoadingBar />
      <Outlet />
    </KantaAppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses so its headers are included.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
