// The plain page around /local/mail's list and message views.
export function mailPage(title: string, body: string): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)} · Kanta local mail</title>
<style>
body{font:15px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:960px;padding:24px;color:#202223;background:#f6f6f7}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}.sub{color:#6d7175;margin:0 0 16px}
table{border-collapse:collapse;width:100%;background:#fff;border-radius:8px;overflow:hidden}th,td{text-align:left;padding:8px 12px;border-bottom:1px solid #e1e3e5;vertical-align:top;word-break:break-word}
thead th{background:#f1f2f3;font-weight:600}.headers th{width:180px;font-weight:600;color:#6d7175}
iframe{width:100%;height:720px;border:1px solid #e1e3e5;border-radius:8px;background:#fff}
pre{white-space:pre-wrap;background:#fff;border:1px solid #e1e3e5;border-radius:8px;padding:12px}.empty{background:#fff;padding:16px;border-radius:8px}a{color:#2c6ecb}
</style></head><body>${body}</body></html>`;
  return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });
}
