// npx tsx sdk/examples/approval-app/main.ts — env CREDCHECK_URL (default http://localhost:8787),
// CREDCHECK_KEY (an implementer key), PORT (default 3000).
import { createApprovalApp } from './app.ts';

const apiKey = process.env.CREDCHECK_KEY;
if (!apiKey) {
  console.error('set CREDCHECK_KEY to an implementer key (npx credcheck keys create --role implementer)');
  process.exit(2);
}
const port = Number(process.env.PORT ?? 3000);
createApprovalApp({ apiUrl: process.env.CREDCHECK_URL ?? 'http://localhost:8787', apiKey }).listen(port, () =>
  console.log(`approval app on http://localhost:${port}`),
);
