// Which Node.js Kanta runs on. Kanta reads Shopify's 64-bit ids (order, customer, line ids
// beyond 2^53) exactly through JSON.parse's source-text access (a reviver's `context.source`,
// Node 24 and later; V8's JSON.parse with source). On an older Node those ids would be
// rounded and orders marked invalid, so every entry point refuses to start there
// (scripts/require-node.mjs). docs/decisions/0014-faults.md

export const REQUIRED_NODE = "24";

/** Whether this Node gives JSON.parse revivers the source text of each value. */
export function hasJsonSourceText() {
  let source;
  try {
    JSON.parse("9007199254740993", (_key, value, context) => {
      source = context?.source;
      return value;
    });
  } catch {
    return false;
  }
  return source === "9007199254740993";
}

/** Why this Node cannot run Kanta, or null when it can. */
export function unsupportedNodeMessage(version = process.version, execPath = process.execPath) {
  if (hasJsonSourceText()) return null;
  return [
    `Kanta needs Node.js ${REQUIRED_NODE} (JSON.parse with source text, to read Shopify's 64-bit ids exactly); this is Node ${version} (${execPath}).`,
    `Run it through npm (npm start, npm run worker, npm run local, npm run bench …), which uses the Node ${REQUIRED_NODE} installed in node_modules, or install Node ${REQUIRED_NODE} (package.json "engines").`,
  ].join("\n");
}
