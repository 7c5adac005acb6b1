import * as client from 'openid-client';
import type { AppConfig } from '@app/platform';

type OidcSettings = NonNullable<AppConfig['oidc']>;

/**
 * The bank's OpenID Connect provider (openid-client): authorization code flow with PKCE (S256),
 * state and nonce. Discovery runs at the first sign-in and is kept; a failed discovery is retried
 * at the next one. Plain http is accepted only for a provider on this machine (tests, a local IdP).
 */
export class OidcProvider {
  private config?: Promise<client.Configuration>;

  constructor(readonly settings: OidcSettings) {}

  private configuration(): Promise<client.Configuration> {
    if (!this.config) {
      const issuer = new URL(this.settings.issuer);
      const local = issuer.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname);
      this.config = client
        .discovery(issuer, this.settings.clientId, this.settings.clientSecret, undefined, local ? { execute: [client.allowInsecureRequests] } : undefined)
        .catch((err: unknown) => {
          this.config = undefined;
          throw err;
        });
    }
    return this.config;
  }

  /** Where to send the browser, and what to keep until it comes back. */
  async start(): Promise<{ url: URL; state: string; codeVerifier: string; nonce: string }> {
    const config = await this.configuration();
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri,
      scope: 'openid profile',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url, state, codeVerifier, nonce };
  }

  /**
   * Exchanges the code the provider sent back (checking state, nonce, PKCE and the ID token's
   * signature, issuer and audience) and answers the staff id the ID token names.
   */
  async finish(callbackUrl: URL, pending: { state: string; codeVerifier: string; nonce: string }): Promise<string | null> {
    const config = await this.configuration();
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: pending.codeVerifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true });
    const value = tokens.claims()?.[this.settings.staffIdClaim];
    return typeof value === 'string' && value ? value : null;
  }
}
