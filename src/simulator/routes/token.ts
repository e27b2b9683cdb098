import { TokenRequest } from '../../connect/wire/index.ts';
import { json, type Reply } from '../http.ts';
import type { SimState } from '../state.ts';

/**
 * `POST /oauth/accesstoken` at the host root (facts §1.2 [V]); JSON and form bodies both work. Bad
 * credentials were never observed; a 401 JSON error is the facts' suggestion.
 */
export function issueToken(state: SimState, body: unknown): Reply {
  const parsed = TokenRequest.safeParse(body);
  if (!parsed.success) {
    return json(400, {
      error: 'invalid_request',
      error_description: 'grant_type=client_credentials, client_id and client_secret are required',
    });
  }
  const { client_id, client_secret } = parsed.data;
  if (client_id !== state.options.clientId || client_secret !== state.options.clientSecret) {
    return json(401, { error: 'invalid_client', error_description: 'Client credentials are invalid.' });
  }
  return json(200, state.tokens.issue(client_id, state.nowMs()));
}
