// An HTTP client of the KSeF API 2.0 for the calls the outbox makes (paths and bodies as in
// assets/ksef/ksef-api-2.0-openapi.json). Each request has a deadline; a request that may be
// repeated safely is repeated on no answer, a timeout, 429 or 5xx as the retry policy says.
// Sending an invoice is never repeated here: the sender first asks KSeF whether it arrived.
import { classify, nextDelayMs, REQUEST_RETRY, type RetryPolicy } from '../domain/retry.js';

export interface KsefClientOptions {
  baseUrl: string;
  timeoutMs: number;
  retry?: RetryPolicy;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

/** KSeF answered and said no (4xx other than 408/429): not to be repeated as it is. */
export class KsefRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly reason: string,
    readonly details: string[],
  ) {
    super(`KSeF answered ${String(status)}: ${String(code)} ${reason}${details.length ? ` (${details.join('; ')})` : ''}`);
  }
}

/** No usable answer within the retry limits (network, timeouts, 429, 5xx). */
export class KsefUnavailable extends Error {
  constructor(
    readonly reason: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(`KSeF unavailable: ${reason}`);
  }
}

export interface TokenInfo {
  token: string;
  validUntil: string;
}

export interface PublicKeyCertificate {
  certificate: string;
  certificateId: string;
  publicKeyId: string;
  validFrom: string;
  validTo: string;
  usage: ('KsefTokenEncryption' | 'SymmetricKeyEncryption')[];
}

export interface StatusInfo {
  code: number;
  description: string;
  details?: string[] | null;
  extensions?: Record<string, string | null> | null;
}

export interface SessionInvoiceStatus {
  ordinalNumber: number;
  invoiceNumber?: string | null;
  ksefNumber?: string | null;
  referenceNumber: string;
  invoiceHash: string;
  acquisitionDate?: string | null;
  invoicingDate: string;
  status: StatusInfo;
}

interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Safe to repeat (reads, and writes whose repeat KSeF ignores or we check). */
  idempotent: boolean;
  accept?: 'json' | 'xml';
}

const sleepMs = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class KsefClient {
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: KsefClientOptions) {
    this.fetch = options.fetch ?? fetch;
    this.sleep = options.sleep ?? sleepMs;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.retry = options.retry ?? REQUEST_RETRY;
  }

  private async request(method: 'GET' | 'POST', path: string, options: RequestOptions): Promise<{ status: number; body: unknown }> {
    let lastReason = '';
    let lastRetryAfter: number | null;
    for (let attempt = 1; ; attempt++) {
      let status: number | null = null;
      let retryAfter: string | null = null;
      let text = '';
      try {
        const response = await this.fetch(`${this.options.baseUrl}${path}`, {
          method,
          headers: {
            accept: options.accept === 'xml' ? 'application/xml' : 'application/json',
            'x-error-format': 'problem-details',
            ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
            ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        status = response.status;
        retryAfter = response.headers.get('retry-after');
        text = await response.text();
      } catch (error) {
        const e = error as Error;
        lastReason = e.name === 'TimeoutError' || e.name === 'AbortError' ? `no answer within ${String(this.options.timeoutMs)} ms` : `network error: ${e.message}`;
      }
      if (status !== null) lastReason = `HTTP ${String(status)}`;
      const outcome = classify(status, retryAfter, lastReason, this.now());
      if (outcome.kind === 'ok') {
        const body: unknown = options.accept === 'xml' || text === '' ? text : JSON.parse(text);
        return { status: status ?? 0, body };
      }
      if (outcome.kind === 'permanent') throw refusalOf(status ?? 0, text);
      lastRetryAfter = outcome.retryAfterMs;
      if (!options.idempotent) throw new KsefUnavailable(lastReason, lastRetryAfter);
      const delay = nextDelayMs(this.retry, attempt + 1, outcome.retryAfterMs, this.random);
      if (delay === null) throw new KsefUnavailable(`${lastReason} after ${String(attempt)} attempt(s)`, lastRetryAfter);
      await this.sleep(delay);
    }
  }

  async publicKeyCertificates(): Promise<PublicKeyCertificate[]> {
    return (await this.request('GET', '/security/public-key-certificates', { idempotent: true })).body as PublicKeyCertificate[];
  }

  async challenge(): Promise<{ challenge: string; timestamp: string; timestampMs: number }> {
    return (await this.request('POST', '/auth/challenge', { idempotent: true })).body as { challenge: string; timestamp: string; timestampMs: number };
  }

  async authenticateWithToken(body: { challenge: string; contextIdentifier: { type: 'Nip'; value: string }; encryptedToken: string; publicKeyId?: string }) {
    // a repeat with the same challenge is refused by KSeF, never doubled: safe to repeat
    return (await this.request('POST', '/auth/ksef-token', { body, idempotent: true })).body as { referenceNumber: string; authenticationToken: TokenInfo };
  }

  async authenticationStatus(referenceNumber: string, authenticationToken: string) {
    return (await this.request('GET', `/auth/${referenceNumber}`, { token: authenticationToken, idempotent: true })).body as { status: StatusInfo };
  }

  async redeem(authenticationToken: string) {
    return (await this.request('POST', '/auth/token/redeem', { token: authenticationToken, idempotent: false })).body as { accessToken: TokenInfo; refreshToken: TokenInfo };
  }

  async refresh(refreshToken: string) {
    return (await this.request('POST', '/auth/token/refresh', { token: refreshToken, idempotent: true })).body as { accessToken: TokenInfo };
  }

  async openOnlineSession(
    accessToken: string,
    body: { formCode: { systemCode: string; schemaVersion: string; value: string }; encryption: { encryptedSymmetricKey: string; initializationVector: string; publicKeyId?: string } },
  ) {
    // an extra empty session costs nothing: KSeF cancels a session with no invoices
    return (await this.request('POST', '/sessions/online', { token: accessToken, body, idempotent: true })).body as { referenceNumber: string; validUntil: string };
  }

  async sendInvoice(
    accessToken: string,
    sessionReference: string,
    body: { invoiceHash: string; invoiceSize: number; encryptedInvoiceHash: string; encryptedInvoiceSize: number; encryptedInvoiceContent: string; offlineMode: false },
  ) {
    return (await this.request('POST', `/sessions/online/${sessionReference}/invoices`, { token: accessToken, body, idempotent: false })).body as { referenceNumber: string };
  }

  async closeSession(accessToken: string, sessionReference: string): Promise<void> {
    await this.request('POST', `/sessions/online/${sessionReference}/close`, { token: accessToken, idempotent: true });
  }

  async sessionStatus(accessToken: string, sessionReference: string) {
    return (await this.request('GET', `/sessions/${sessionReference}`, { token: accessToken, idempotent: true })).body as { status: StatusInfo; invoiceCount?: number | null };
  }

  /** Every invoice KSeF has from a session (all pages). */
  async sessionInvoices(accessToken: string, sessionReference: string): Promise<SessionInvoiceStatus[]> {
    const result: SessionInvoiceStatus[] = [];
    let continuation: string | null | undefined = null;
    for (let page = 0; page < 1000; page++) {
      const path: string = `/sessions/${sessionReference}/invoices?pageSize=100`;
      const response = (await this.requestWithHeader(path, accessToken, continuation)) as { invoices: SessionInvoiceStatus[]; continuationToken?: string | null };
      result.push(...response.invoices);
      continuation = response.continuationToken;
      if (!continuation) break;
    }
    return result;
  }

  private async requestWithHeader(path: string, token: string, continuation: string | null | undefined): Promise<unknown> {
    if (!continuation) return (await this.request('GET', path, { token, idempotent: true })).body;
    const original = this.fetch;
    const withHeader: typeof fetch = (input, init) => original(input, { ...init, headers: { ...(init?.headers as Record<string, string>), 'x-continuation-token': continuation } });
    const client = new KsefClient({ ...this.options, fetch: withHeader });
    return (await client.request('GET', path, { token, idempotent: true })).body;
  }

  async invoiceStatus(accessToken: string, sessionReference: string, invoiceReference: string) {
    return (await this.request('GET', `/sessions/${sessionReference}/invoices/${invoiceReference}`, { token: accessToken, idempotent: true })).body as SessionInvoiceStatus;
  }

  async invoiceUpo(accessToken: string, sessionReference: string, ksefNumber: string): Promise<string> {
    return (await this.request('GET', `/sessions/${sessionReference}/invoices/ksef/${ksefNumber}/upo`, { token: accessToken, idempotent: true, accept: 'xml' })).body as string;
  }
}

/** The code and reason of a refusal, from problem+json or the older exception body. */
function refusalOf(status: number, text: string): KsefRefusal {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const exception = (body.exception as { exceptionDetailList?: { exceptionCode?: number; exceptionDescription?: string; details?: string[] }[] } | undefined)?.exceptionDetailList?.[0];
    if (exception) return new KsefRefusal(status, exception.exceptionCode ?? status, exception.exceptionDescription ?? 'refused', exception.details ?? []);
    const errors = (body.errors as { code?: number; description?: string; details?: string[] }[] | undefined)?.[0];
    if (errors) return new KsefRefusal(status, errors.code ?? status, errors.description ?? textOf(body.title) ?? 'refused', errors.details ?? []);
    return new KsefRefusal(status, status, textOf(body.detail) ?? textOf(body.title) ?? 'refused', []);
  } catch {
    return new KsefRefusal(status, status, text.slice(0, 200) || `HTTP ${String(status)}`, []);
  }
}

/** A problem field as text (KSeF gives strings; anything else as JSON). */
function textOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
