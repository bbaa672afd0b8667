// A relying party in a few lines: signs people in through secinfo with openid-client and shows
// who signed in and with which factors (the ID token's amr). Run it against the demo:
//   CLIENT_ID=... CLIENT_SECRET=... node app.mjs      then open http://localhost:3000
import http from 'node:http';
import * as client from 'openid-client';

const issuer = new URL(process.env.ISSUER ?? 'http://localhost:8080');
const base = process.env.APP_URL ?? 'http://localhost:3000';
const insecure = issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [];
const config = await client.discovery(issuer, process.env.CLIENT_ID, process.env.CLIENT_SECRET, undefined, {
  execute: [...insecure, client.enableNonRepudiationChecks],
});
const pending = new Map(); // state → { verifier, nonce }
const escape = (s) => String(s).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

http
  .createServer(async (req, res) => {
    const url = new URL(req.url, base);
    try {
      if (url.pathname === '/') {
        const verifier = client.randomPKCECodeVerifier();
        const state = client.randomState();
        const nonce = client.randomNonce();
        pending.set(state, { verifier, nonce });
        const to = client.buildAuthorizationUrl(config, {
          redirect_uri: `${base}/cb`,
          scope: 'openid profile email',
          code_challenge: await client.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
          nonce,
        });
        res.writeHead(303, { location: to.href }).end();
      } else if (url.pathname === '/cb') {
        const state = url.searchParams.get('state');
        const { verifier, nonce } = pending.get(state) ?? {};
        pending.delete(state);
        const tokens = await client.authorizationCodeGrant(config, url, {
          pkceCodeVerifier: verifier,
          expectedState: state,
          expectedNonce: nonce,
        });
        const who = tokens.claims();
        const logout = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token, post_logout_redirect_uri: `${base}/` });
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
          `<!doctype html><html lang="en"><title>Signed in</title><h1>Hello ${escape(who.name)}</h1>` +
            `<p>${escape(who.email)} signed in with: <b id="amr">${escape(who.amr.join(', '))}</b> (${escape(who.acr)})</p>` +
            `<p><a href="${escape(logout.href)}">Sign out</a></p>`,
        );
      } else {
        res.writeHead(404).end();
      }
    } catch (e) {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end(`Sign-in failed: ${e.message}\n`);
    }
  })
  .listen(new URL(base).port || 3000, () => console.log(`open ${base}`));
