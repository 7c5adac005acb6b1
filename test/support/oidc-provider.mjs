// A real OpenID Connect provider (node-oidc-provider) on this machine, for the sign-in tests:
// `node test/support/oidc-provider.mjs <port> <redirect uri>`; prints "ready" once it listens.
// Its development login form accepts any login (the subject is what is typed) and any password.
import Provider from 'oidc-provider';

const [port, redirectUri] = process.argv.slice(2);
const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: 'campaign-platform',
      client_secret: 'test-client-secret',
      redirect_uris: [redirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  pkce: { required: () => true },
  findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub, employee_number: `E-${sub}` }) }),
  claims: { openid: ['sub'], profile: ['employee_number'] },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['a test key, not a secret'] },
});
// The development views warn on every request; the test reads only "ready" and errors.
provider.on('server_error', (_ctx, err) => console.error(String(err)));
provider.listen(Number(port), '127.0.0.1', () => console.log('ready'));
