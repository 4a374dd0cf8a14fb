// Sends signed webhooks to a receiver as GitHub's own library signs them: `sign` of
// @octokit/webhooks-methods (package.json here; the script lives beside node_modules so that Node finds it).
// usage: node send_github.mjs BASE_URL (tests/tests/webhook_senders.rs). Prints `github <case> <status>` for
// a genuine webhook and one whose body changed after signing.

import { sign } from "@octokit/webhooks-methods";

const base = process.argv[2].replace(/\/$/, "");
const secret = "It's a Secret to Everybody";
for (const kase of ["genuine", "tampered"]) {
  let body = JSON.stringify({ ref: "refs/heads/main", forced: false });
  const signature = await sign(secret, body);
  if (kase === "tampered") body = body.replace("main", "evil");
  const response = await fetch(`${base}/github`, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "x-hub-signature-256": signature,
      "x-github-event": "push",
      "x-github-delivery": `delivery-${kase}`,
    },
  });
  console.log(`github ${kase} ${response.status}`);
}
