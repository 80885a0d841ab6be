import { loadAdminSchema } from "/work/wt-ops/app/local/admin-schema.server";
import { isObjectType, isInterfaceType } from "graphql";
const s = loadAdminSchema();
for (const t of process.argv.slice(2)) {
  const type = s.getType(t);
  if (!type || !(isObjectType(type) || isInterfaceType(type))) { console.log(t, "?"); continue; }
  console.log("==", t);
  for (const [n, f] of Object.entries(type.getFields())) console.log("  ", n, String(f.type), f.args.map(a => `${a.name}:${a.type}`).join(","), f.deprecationReason ? "DEPRECATED" : "");
}
