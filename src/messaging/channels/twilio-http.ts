import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';

const TWILIO_API = /^https:\/\/api\.twilio\.com/;

/**
 * The SDK's own HTTP client with one change: requests for https://api.twilio.com go to `baseUrl`
 * instead (the project's Twilio-compatible endpoint, src/simulator/twilio). Only built when
 * TWILIO_API_BASE_URL is set, which tests and the demo do; production talks to Twilio unchanged.
 */
export class RedirectingRequestClient extends twilio.RequestClient {
  constructor(private readonly baseUrl: string) {
    super({ timeout: 15_000 });
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    return super.request<TData>({ ...opts, uri: opts.uri.replace(TWILIO_API, this.baseUrl) });
  }
}
