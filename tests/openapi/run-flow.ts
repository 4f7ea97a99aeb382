// Runs the demo flow (demo-flow.ts) against running services, as Exchange.Contract.Tests does:
//   node generated/js/run-flow.js <token url> <api base url>
// with ACME_CLIENT_ID, ACME_CLIENT_SECRET, GLOBEX_CLIENT_ID, GLOBEX_CLIENT_SECRET in the environment;
// the test passes the token URL the document's OAuth 2.0 scheme names.
import { flow } from "./demo-flow.js";

// Node's globals this script uses (without a dependency on @types/node).
declare const process: { argv: string[]; env: Record<string, string | undefined> };

const [tokenUrl, api] = process.argv.slice(2);
const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

async function token(tokenUrl: string, clientId: string, secret: string): Promise<string> {
  const response = await fetch(tokenUrl, {
    method: "POST",
    headers: { Authorization: `Basic ${btoa(`${clientId}:${secret}`)}`, "Content-Type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials",
  });
  if (!response.ok) throw new Error(`token: ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

const acme = await token(tokenUrl, env("ACME_CLIENT_ID"), env("ACME_CLIENT_SECRET"));
const globex = await token(tokenUrl, env("GLOBEX_CLIENT_ID"), env("GLOBEX_CLIENT_SECRET"));
const resolved = await flow(api, acme, globex);
console.log(`flow typescript resolved ${resolved.id}`);
