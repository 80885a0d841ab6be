import type { LoaderFunctionArgs } from "@remix-run/node";
import { isLocalMode } from "../../env.server";
import { demoVariant } from "../local-cart.server";

// GET /local/product-image/<variant id>.svg: a demo product's picture (offline there is no
// Shopify CDN), a tile with the product's initial in a colour of its own.

const COLOURS = ["#c8d9c2", "#e7d3b5", "#c9d4e8", "#e8c9cf", "#d8cfe8"];

export const loader = ({ params }: LoaderFunctionArgs) => {
  if (!isLocalMode()) return new Response("Not found", { status: 404 });
  const id = /^(\d{1,20})\.svg$/.exec(params.file ?? "")?.[1];
  const variant = id ? demoVariant(id) : null;
  if (!id || !variant) return new Response("Not found", { status: 404 });
  const colour = COLOURS[Number(id.slice(-2)) % COLOURS.length];
  const initial = variant.title.charAt(0).toUpperCase().replace(/[^A-Z]/, "•");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96"><rect width="96" height="96" rx="12" fill="${colour}"/><circle cx="48" cy="44" r="24" fill="#fff" opacity=".55"/><text x="48" y="56" font-family="Georgia,serif" font-size="34" text-anchor="middle" fill="#2d3a2e">${initial}</text></svg>`;
  return new Response(svg, { headers: { "Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=3600" } });
};
