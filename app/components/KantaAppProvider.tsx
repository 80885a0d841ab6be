import { forwardRef, useEffect, type ReactNode } from "react";
import { Link, useNavigate } from "@remix-run/react";
import { AppProvider as PolarisAppProvider } from "@shopify/polaris";
import type { LinkLikeComponentProps } from "@shopify/polaris/build/ts/src/utilities/link";
import enTranslations from "@shopify/polaris/locales/en.json";

// Does what @shopify/shopify-app-remix/react's AppProvider does (App Bridge script, Polaris
// with Remix links, App Bridge navigation events). That component cannot be used with the
// classic Remix compiler: its JSON import attribute (`with { type: "json" }`) is syntax
// the compiler's esbuild 0.17 rejects. docs/decisions/0001-stack-and-offline-prisma.md
export const APP_BRIDGE_CDN = "https://cdn.shopify.com/shopifycloud/app-bridge.js";
export const APP_BRIDGE_LOCAL = "/local/app-bridge.js";

const RemixPolarisLink = forwardRef<HTMLAnchorElement, LinkLikeComponentProps>(function RemixPolarisLink(
  { url, children, external, ...rest },
  ref,
) {
  if (external) {
    return (
      <a href={url} ref={ref} target="_blank" rel="noopener noreferrer" {...rest}>
        {children}
      </a>
    );
  }
  return (
    <Link to={url} ref={ref} {...rest}>
      {children}
    </Link>
  );
});

export function KantaAppProvider({ apiKey, local, children }: { apiKey: string; local: boolean; children: ReactNode }) {
  const navigate = useNavigate();
  useEffect(() => {
    const onNavigate = (event: Event) => {
      const href = (event.target as HTMLElement | null)?.getAttribute("href");
      if (href) navigate(href);
    };
    addEventListener("shopify:navigate", onNavigate);
    return () => removeEventListener("shopify:navigate", onNavigate);
  }, [navigate]);
  return (
    <>
      <script src={local ? APP_BRIDGE_LOCAL : APP_BRIDGE_CDN} data-api-key={apiKey} />
      <PolarisAppProvider i18n={enTranslations} linkComponent={RemixPolarisLink}>
        {children}
      </PolarisAppProvider>
    </>
  );
}
