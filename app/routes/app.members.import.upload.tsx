import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect, unstable_parseMultipartFormData, type UploadHandler } from "@remix-run/node";
import { ImportError, uploadImportFile } from "../loyalty/import/admin.server";
import { requireAdmin } from "../shopify/admin.server";

// The member import's file upload (POST, multipart, field "file"): streamed into the
// database as it arrives (app/loyalty/import), then on to the import's page. The one admin
// route with a large body limit (scripts/body-limits.mjs IMPORT_UPLOAD_PATH).

export type UploadResult = { ok: false; error: string };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, staff } = await requireAdmin(request);
  let importId: string | null = null;
  const handler: UploadHandler = async ({ name, filename, data }) => {
    if (name !== "file" || !filename) {
      // Other fields are small; a stray one is read and dropped.
      for await (const part of data) void part;
      return undefined;
    }
    importId = await uploadImportFile({ shopDomain: shop, fileName: filename, data, staff });
    return importId;
  };
  try {
    await unstable_parseMultipartFormData(request, handler);
  } catch (error) {
    if (error instanceof ImportError) return { ok: false, error: error.message } satisfies UploadResult;
    throw error;
  }
  if (!importId) return { ok: false, error: "Choose a CSV file to upload." } satisfies UploadResult;
  return redirect(`/app/members/import/${importId}`);
};
