// A KSeF API 2.0 stand-in on loopback for the tests: the endpoints the outbox uses, each
// request checked against the official OpenAPI document in assets/ksef (a request that does
// not conform is recorded as a violation and answered 400; the tests assert there are none),
// invoices decrypted with the key pair it owns and validated against the FA(3) XSD, answers
// shaped as KSeF's (reference numbers, statuses, KSeF numbers with their CRC-8, UPO v4-3),
// and faults injected on request: 5xx, timeouts (before or after the work is done), 429
// with Retry-After, refusals, duplicates.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { constants, createDecipheriv, createHash, generateKeyPairSync, privateDecrypt, randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Ajv, type ValidateFunction } from 'ajv';
import { generate } from 'selfsigned';
import { fa3Schema } from '../../src/common/xml-schema.js';
import { crc8 } from '../../src/ksef/domain/environments.js';

const OPENAPI = JSON.parse(readFileSync(join(process.cwd(), 'assets', 'ksef', 'ksef-api-2.0-openapi.json'), 'utf8')) as OpenApi;

interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}
interface Operation {
  parameters?: { name: string; in: string; required?: boolean; schema: unknown }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
  security?: unknown[];
}

// The request bodies the stand-in reads, as the OpenAPI document declares them (each body is
// validated against its schema before it is acted on).
interface KsefTokenRequest {
  challenge: string;
  contextIdentifier: { value: string };
  encryptedToken: string;
}
interface OpenOnlineSessionRequest {
  formCode: { systemCode: string; schemaVersion: string; value: string };
  encryption: { encryptedSymmetricKey: string; initializationVector: string };
}
interface SendInvoiceRequest {
  invoiceHash: string;
  invoiceSize: number;
  encryptedInvoiceHash: string;
  encryptedInvoiceSize: number;
  encryptedInvoiceContent: string;
}

export type Fault =
  | { kind: 'status'; status: 500 | 502 | 503 }
  | { kind: 'rate-limit'; retryAfterSeconds: number }
  /** No answer; the request is not acted on. */
  | { kind: 'timeout' }
  /** The request is acted on, but the answer never comes (lost on the way back). */
  | { kind: 'lost-answer' };

export interface ReceivedInvoice {
  sessionReference: string;
  referenceNumber: string;
  ordinalNumber: number;
  invoiceNumber: string;
  sellerNip: string;
  kind: string;
  hash: string;
  xml: string;
  receivedAt: string;
  /** 150 until its status was read once, then final. */
  polled: boolean;
  final: { code: number; description: string; details?: string[]; extensions?: Record<string, string> };
  ksefNumber: string | null;
}

interface Session {
  referenceNumber: string;
  contextNip: string;
  key: Buffer;
  iv: Buffer;
  open: boolean;
  created: string;
  invoices: ReceivedInvoice[];
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
ajv.addFormat('byte', /^[A-Za-z0-9+/]*={0,2}$/);
ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
ajv.addFormat('uri', /^https?:\/\/\S+$/);
/** OpenAPI 3.0 `nullable` as JSON Schema: a null is allowed beside the type (or the allOf). */
function jsonSchemaOf(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(jsonSchemaOf);
  if (node === null || typeof node !== 'object') return node;
  const { nullable, ...rest } = node as Record<string, unknown>;
  const converted = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, k === 'example' || k === 'examples' ? v : jsonSchemaOf(v)]));
  if (nullable !== true) return converted;
  if (typeof converted.type === 'string' && !converted.enum) return { ...converted, type: [converted.type, 'null'] };
  return { anyOf: [converted, { type: 'null' }] };
}
ajv.addSchema({ $id: 'ksef', components: jsonSchemaOf(OPENAPI.components) }, 'ksef');
const compiled = new Map<unknown, ValidateFunction>();
function validatorOf(schema: unknown): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    // $refs of the document point into its components
    const rewritten = jsonSchemaOf(JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"ksef#/components/')));
    v = ajv.compile(rewritten as object);
    compiled.set(schema, v);
  }
  return v;
}

const hex = (n: number) => randomBytes(n).toString('hex').toUpperCase();
const today = () => new Date().toISOString().slice(0, 10).replace(/-/g, '');
/** A reference number as KSeF writes them: 20250514-AU-2DFC46C000-3AC6D5877F-D4. */
export const referenceNumber = (kind: string) => `${today()}-${kind}-${hex(5)}-${hex(5)}-${hex(1)}`;
function ksefNumber(sellerNip: string): string {
  const head = `${sellerNip}-${today()}-${hex(6)}`;
  return `${head}-${crc8(head)}`;
}

export interface StandInOptions {
  /** The KSeF token and the NIP of the context it is for. */
  tokens?: Record<string, string>;
}

export class KsefStandIn {
  readonly violations: string[] = [];
  readonly responseViolations: string[] = [];
  readonly requests: { method: string; path: string; fault: Fault | null }[] = [];
  readonly sessions = new Map<string, Session>();
  /** Every invoice KSeF took into processing (decrypted), in order. */
  readonly received: ReceivedInvoice[] = [];
  /** Accepted invoices by seller NIP | kind | number (KSeF's duplicate key). */
  private readonly accepted = new Map<string, ReceivedInvoice>();
  private readonly tokens = new Map<string, string>();
  /** Sellers whose self-billing invoices the coordinator may send (SelfInvoicing granted). */
  readonly selfInvoicing = new Set<string>();
  /** Invoice numbers KSeF will refuse once (code, description). */
  readonly refuse = new Map<string, { code: number; description: string }>();
  /** The fault for the n-th request (0-based), if any. */
  faultFor: (n: number, method: string, path: string) => Fault | null = () => null;

  private readonly challenges = new Map<string, number>();
  private readonly authOps = new Map<string, { token: string; contextNip: string; code: number; redeemed: boolean; polls: number }>();
  private readonly accessTokens = new Map<string, { contextNip: string; validUntil: number }>();
  private readonly refreshTokens = new Map<string, { contextNip: string }>();
  private server!: Server;
  private privateKey!: ReturnType<typeof generateKeyPairSync>['privateKey'];
  private certificate!: string;
  private hanging: ServerResponse[] = [];
  url = '';

  private constructor(options: StandInOptions) {
    for (const [token, nip] of Object.entries(options.tokens ?? {})) this.tokens.set(token, nip);
  }

  static async start(options: StandInOptions = {}): Promise<KsefStandIn> {
    const standIn = new KsefStandIn(options);
    fa3Schema(); // compiled once before the first invoice, so its first answer is as quick as the rest
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    standIn.privateKey = pair.privateKey;
    const pems = await generate([{ name: 'commonName', value: 'Ministerstwo Finansów (stand-in)' }], {
      algorithm: 'sha256',
      keyPair: { privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }) as string },
    });
    standIn.certificate = new X509Certificate(pems.cert).raw.toString('base64');
    standIn.server = createServer((req, res) => void standIn.handle(req, res));
    await new Promise<void>((r) => standIn.server.listen(0, '127.0.0.1', r));
    standIn.url = `http://127.0.0.1:${String((standIn.server.address() as AddressInfo).port)}/v2`;
    return standIn;
  }

  addToken(token: string, contextNip: string) {
    this.tokens.set(token, contextNip);
  }

  async stop() {
    for (const r of this.hanging) r.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((r) =>
      this.server.close(() => {
        r();
      }),
    );
  }

  /** How many times an invoice (seller, kind, number) was taken into processing while an earlier copy was not refused. */
  doubleSends(since = 0): string[] {
    const seen = new Map<string, ReceivedInvoice>();
    const doubles: string[] = [];
    for (const r of this.received.slice(since)) {
      const key = `${r.sellerNip}|${r.kind}|${r.invoiceNumber}`;
      const earlier = seen.get(key);
      if (earlier && (earlier.final.code === 200 || earlier.final.code === 440)) doubles.push(key);
      seen.set(key, r);
    }
    return doubles;
  }

  acceptedInvoice(sellerNip: string, kind: string, number: string) {
    return this.accepted.get(`${sellerNip}|${kind}|${number}`);
  }

  // --- the HTTP side

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const method = (req.method ?? 'GET').toLowerCase();
    const path = url.pathname.replace(/^\/v2/, '');
    const n = this.requests.length;
    const fault = this.faultFor(n, method, path);
    this.requests.push({ method, path, fault });
    const route = this.route(method, path);
    if (!route) {
      this.violations.push(`${method.toUpperCase()} ${path}: no such operation in the OpenAPI document`);
      return this.send(res, 404, { title: 'Not Found', status: 404 }, null);
    }
    const [template, params, operation] = route;
    let body: unknown;
    const problems = this.check(operation, params, url.searchParams, req, raw, (b) => (body = b));
    if (problems.length > 0) {
      this.violations.push(...problems.map((p) => `${method.toUpperCase()} ${template}: ${p}`));
      return this.send(res, 400, { title: 'Bad Request', status: 400, detail: problems.join('; ') }, null);
    }
    if (fault?.kind === 'status') return this.send(res, fault.status, { title: 'Server Error', status: fault.status }, null);
    if (fault?.kind === 'rate-limit') {
      res.setHeader('retry-after', String(fault.retryAfterSeconds));
      return this.send(res, 429, { title: 'Too Many Requests', status: 429, detail: `Spróbuj ponownie po ${String(fault.retryAfterSeconds)} sekundach.` }, operation.responses['429']);
    }
    if (fault?.kind === 'timeout') {
      this.hanging.push(res);
      return;
    }
    try {
      const [status, answer, contentType] = this.operate(template, method, params, body, req.headers.authorization ?? '');
      if (fault?.kind === 'lost-answer') {
        this.hanging.push(res);
        return;
      }
      if (contentType === 'xml') {
        res.writeHead(status, { 'content-type': 'application/xml' });
        return res.end(answer as string);
      }
      return this.send(res, status, answer, operation.responses[String(status)]);
    } catch (error) {
      const e = error as { status?: number; message: string };
      return this.send(res, e.status ?? 500, { title: e.message, status: e.status ?? 500, detail: e.message }, null);
    }
  }

  private send(res: ServerResponse, status: number, body: unknown, response: Operation['responses'][string] | null | undefined) {
    const schema = response?.content?.['application/json']?.schema;
    if (status < 300 && schema) {
      const v = validatorOf(schema);
      if (!v(body)) this.responseViolations.push(`${String(status)}: ${ajv.errorsText(v.errors)}`);
    }
    if (body === undefined) {
      res.writeHead(status);
      return res.end();
    }
    res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' });
    res.end(JSON.stringify(body));
  }

  private route(method: string, path: string): [string, Record<string, string>, Operation] | null {
    for (const [template, operations] of Object.entries(OPENAPI.paths)) {
      const operation = operations[method];
      if (!operation) continue;
      const names: string[] = [];
      const pattern = new RegExp(`^${template.replace(/\{(\w+)\}/g, (_, name: string) => (names.push(name), '([^/]+)'))}$`);
      const m = pattern.exec(path);
      if (!m) continue;
      return [template, Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(m[i + 1] ?? '')])), operation];
    }
    return null;
  }

  /** The request against the operation: parameters, security, body. */
  private check(operation: Operation, params: Record<string, string>, query: URLSearchParams, req: IncomingMessage, raw: string, setBody: (b: unknown) => void): string[] {
    const problems: string[] = [];
    for (const p of operation.parameters ?? []) {
      const value = p.in === 'path' ? params[p.name] : p.in === 'query' ? (query.get(p.name) ?? undefined) : (req.headers[p.name.toLowerCase()] as string | undefined);
      if (value === undefined) {
        if (p.required || p.in === 'path') problems.push(`${p.in} parameter ${p.name} is missing`);
        continue;
      }
      const v = validatorOf(p.schema);
      const typed = (p.schema as { type?: string }).type === 'integer' ? Number(value) : value;
      if (!v(typed)) problems.push(`${p.in} parameter ${p.name}: ${ajv.errorsText(v.errors)}`);
    }
    if (operation.security?.length && !/^Bearer \S+$/.test(req.headers.authorization ?? '')) problems.push('Authorization: Bearer is required');
    const content = operation.requestBody?.content;
    if (content) {
      if (!raw) {
        if (operation.requestBody?.required !== false) problems.push('the request body is missing');
      } else {
        if (!(req.headers['content-type'] ?? '').startsWith('application/json')) problems.push(`content-type ${String(req.headers['content-type'])} is not application/json`);
        let body: unknown;
        try {
          body = JSON.parse(raw);
        } catch {
          problems.push('the body is not JSON');
        }
        if (body !== undefined) {
          const json = content['application/json'];
          if (!json) problems.push('the operation declares no application/json body');
          else {
            const v = validatorOf(json.schema);
            if (!v(body)) problems.push(`body: ${ajv.errorsText(v.errors)}`);
          }
          setBody(body);
        }
      }
    } else if (raw) {
      problems.push('a body where the operation takes none');
    }
    return problems;
  }

  private access(authorization: string): { contextNip: string } {
    const token = authorization.replace(/^Bearer /, '');
    const access = this.accessTokens.get(token);
    if (!access || access.validUntil < Date.now()) throw Object.assign(new Error('Unauthorized'), { status: 401 });
    return access;
  }

  private operate(template: string, method: string, params: Record<string, string>, body: unknown, authorization: string): [number, unknown, 'json' | 'xml'] {
    const now = new Date();
    const validUntil = (minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();
    switch (`${method} ${template}`) {
      case 'get /security/public-key-certificates':
        return [
          200,
          ['KsefTokenEncryption', 'SymmetricKeyEncryption'].map((usage) => ({
            certificate: this.certificate,
            certificateId: createHash('sha256').update(Buffer.from(this.certificate, 'base64')).digest('base64'),
            publicKeyId: createHash('sha256')
              .update(new X509Certificate(Buffer.from(this.certificate, 'base64')).publicKey.export({ type: 'spki', format: 'der' }))
              .digest('base64'),
            validFrom: new Date(now.getTime() - 86_400_000).toISOString(),
            validTo: new Date(now.getTime() + 365 * 86_400_000).toISOString(),
            usage: [usage],
          })),
          'json',
        ];
      case 'post /auth/challenge': {
        const challenge = referenceNumber('CR');
        this.challenges.set(challenge, now.getTime());
        return [200, { challenge, timestamp: now.toISOString(), timestampMs: now.getTime(), clientIp: '127.0.0.1' }, 'json'];
      }
      case 'post /auth/ksef-token': {
        const request = body as KsefTokenRequest;
        const timestampMs = this.challenges.get(request.challenge);
        if (timestampMs === undefined) throw Object.assign(new Error('Nieprawidłowe wyzwanie autoryzacyjne'), { status: 400 });
        this.challenges.delete(request.challenge);
        const plain = privateDecrypt({ key: this.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(request.encryptedToken, 'base64')).toString('utf8');
        // a KSeF token has '|' of its own (ref|nip-...|secret): the timestamp is after the last one
        const token = plain.slice(0, plain.lastIndexOf('|'));
        const ts = plain.slice(plain.lastIndexOf('|') + 1);
        const contextNip = this.tokens.get(token);
        const ok = contextNip !== undefined && contextNip === request.contextIdentifier.value && Number(ts) === timestampMs;
        const ref = referenceNumber('AU');
        const authToken = `auth.${hex(16)}`;
        this.authOps.set(authToken, { token, contextNip: request.contextIdentifier.value, code: ok ? 200 : 450, redeemed: false, polls: 0 });
        return [202, { referenceNumber: ref, authenticationToken: { token: authToken, validUntil: validUntil(10) } }, 'json'];
      }
      case 'get /auth/{referenceNumber}': {
        const op = this.authOps.get(authorization.replace(/^Bearer /, ''));
        if (!op) throw Object.assign(new Error('Unauthorized'), { status: 401 });
        op.polls++;
        // in progress at the first look, as KSeF often is
        const code = op.polls === 1 && op.code === 200 ? 100 : op.code;
        const description = code === 100 ? 'Uwierzytelnianie w toku' : code === 200 ? 'Uwierzytelnianie zakończone sukcesem' : 'Uwierzytelnianie zakończone niepowodzeniem z powodu błędnego tokenu';
        return [
          200,
          {
            startDate: now.toISOString(),
            authenticationMethod: 'Token',
            authenticationMethodInfo: { category: 'Token', code: 'token.ksef', displayName: 'Token KSeF' },
            status: { code, description, ...(code === 450 ? { details: ['Nieprawidłowy token'] } : {}) },
          },
          'json',
        ];
      }
      case 'post /auth/token/redeem': {
        const op = this.authOps.get(authorization.replace(/^Bearer /, ''));
        if (!op || op.code !== 200 || op.redeemed) throw Object.assign(new Error('Unauthorized'), { status: 401 });
        op.redeemed = true;
        const access = `access.${hex(16)}`;
        const refresh = `refresh.${hex(16)}`;
        this.accessTokens.set(access, { contextNip: op.contextNip, validUntil: now.getTime() + 15 * 60_000 });
        this.refreshTokens.set(refresh, { contextNip: op.contextNip });
        return [200, { accessToken: { token: access, validUntil: validUntil(15) }, refreshToken: { token: refresh, validUntil: validUntil(7 * 24 * 60) } }, 'json'];
      }
      case 'post /auth/token/refresh': {
        const refresh = this.refreshTokens.get(authorization.replace(/^Bearer /, ''));
        if (!refresh) throw Object.assign(new Error('Unauthorized'), { status: 401 });
        const access = `access.${hex(16)}`;
        this.accessTokens.set(access, { contextNip: refresh.contextNip, validUntil: now.getTime() + 15 * 60_000 });
        return [200, { accessToken: { token: access, validUntil: validUntil(15) } }, 'json'];
      }
      case 'post /sessions/online': {
        const { contextNip } = this.access(authorization);
        const request = body as OpenOnlineSessionRequest;
        if (request.formCode.systemCode !== 'FA (3)' || request.formCode.schemaVersion !== '1-0E' || request.formCode.value !== 'FA')
          throw Object.assign(new Error('Nieobsługiwany formularz'), { status: 400 });
        const key = privateDecrypt({ key: this.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(request.encryption.encryptedSymmetricKey, 'base64'));
        const iv = Buffer.from(request.encryption.initializationVector, 'base64');
        if (key.length !== 32 || iv.length !== 16) throw Object.assign(new Error('Błąd odszyfrowania dostarczonego klucza'), { status: 400 });
        const ref = referenceNumber('SO');
        this.sessions.set(ref, { referenceNumber: ref, contextNip, key, iv, open: true, created: now.toISOString(), invoices: [] });
        return [201, { referenceNumber: ref, validUntil: validUntil(12 * 60) }, 'json'];
      }
      case 'post /sessions/online/{referenceNumber}/invoices': {
        const { contextNip } = this.access(authorization);
        const session = this.sessions.get(params.referenceNumber ?? '');
        if (!session || session.contextNip !== contextNip) throw Object.assign(new Error('Sesja nie istnieje'), { status: 400 });
        if (!session.open) throw Object.assign(new Error('Sesja zamknięta'), { status: 400 });
        return [202, { referenceNumber: this.receive(session, body as SendInvoiceRequest, now).referenceNumber }, 'json'];
      }
      case 'post /sessions/online/{referenceNumber}/close': {
        this.access(authorization);
        const session = this.sessions.get(params.referenceNumber ?? '');
        if (!session) throw Object.assign(new Error('Sesja nie istnieje'), { status: 400 });
        session.open = false;
        return [204, undefined, 'json'];
      }
      case 'get /sessions/{referenceNumber}': {
        this.access(authorization);
        const session = this.session(params.referenceNumber ?? '');
        const ok = session.invoices.filter((i) => i.final.code === 200).length;
        const status = session.open ? { code: 100, description: 'Sesja interaktywna otwarta' } : { code: 200, description: 'Sesja interaktywna przetworzona pomyślnie' };
        return [
          200,
          { status, dateCreated: session.created, dateUpdated: now.toISOString(), invoiceCount: session.invoices.length, successfulInvoiceCount: ok, failedInvoiceCount: session.invoices.length - ok },
          'json',
        ];
      }
      case 'get /sessions/{referenceNumber}/invoices': {
        this.access(authorization);
        return [200, { invoices: this.session(params.referenceNumber ?? '').invoices.map((i) => this.statusOf(i, false)) }, 'json'];
      }
      case 'get /sessions/{referenceNumber}/invoices/{invoiceReferenceNumber}': {
        this.access(authorization);
        const invoice = this.session(params.referenceNumber ?? '').invoices.find((i) => i.referenceNumber === params.invoiceReferenceNumber);
        if (!invoice) throw Object.assign(new Error('Faktura nie istnieje'), { status: 400 });
        return [200, this.statusOf(invoice, true), 'json'];
      }
      case 'get /sessions/{referenceNumber}/invoices/ksef/{ksefNumber}/upo': {
        const { contextNip } = this.access(authorization);
        const invoice = this.session(params.referenceNumber ?? '').invoices.find((i) => i.ksefNumber === params.ksefNumber && i.final.code === 200);
        if (!invoice) throw Object.assign(new Error('UPO nie istnieje'), { status: 400 });
        return [200, upoOf(invoice, contextNip), 'xml'];
      }
      default:
        throw Object.assign(new Error(`the stand-in does not implement ${method.toUpperCase()} ${template}`), { status: 501 });
    }
  }

  private session(ref: string): Session {
    const session = this.sessions.get(ref);
    if (!session) throw Object.assign(new Error('Sesja nie istnieje'), { status: 400 });
    return session;
  }

  private statusOf(i: ReceivedInvoice, read: boolean) {
    const status = i.polled ? i.final : { code: 150, description: 'Trwa przetwarzanie' };
    if (read) i.polled = true;
    const done = i.polled && i.final.code === 200;
    return {
      ordinalNumber: i.ordinalNumber,
      referenceNumber: i.referenceNumber,
      invoiceHash: i.hash,
      invoicingDate: i.receivedAt,
      invoicingMode: 'Online',
      ...(i.invoiceNumber ? { invoiceNumber: i.invoiceNumber } : {}),
      ...(done ? { ksefNumber: i.ksefNumber, acquisitionDate: i.receivedAt, permanentStorageDate: i.receivedAt } : {}),
      status,
    };
  }

  /** Decrypts, checks hashes and sizes, the XSD, the permissions and duplicates; decides the outcome now, shows it after the first status read. */
  private receive(session: Session, body: SendInvoiceRequest, now: Date): ReceivedInvoice {
    const encrypted = Buffer.from(body.encryptedInvoiceContent, 'base64');
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('base64');
    const base = {
      sessionReference: session.referenceNumber,
      referenceNumber: referenceNumber('EE'),
      ordinalNumber: session.invoices.length + 1,
      receivedAt: now.toISOString(),
      polled: false,
      ksefNumber: null,
    };
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-cbc', session.key, session.iv);
      plain = Buffer.concat([decipher.update(encrypted), decipher.final()]);
    } catch {
      const r: ReceivedInvoice = { ...base, invoiceNumber: '', sellerNip: '', kind: '', hash: body.invoiceHash, xml: '', final: { code: 435, description: 'Błąd odszyfrowania pliku' } };
      session.invoices.push(r);
      return r;
    }
    const xml = plain.toString('utf8');
    const invoiceNumber = /<P_2>([^<]*)<\/P_2>/.exec(xml)?.[1] ?? '';
    const sellerNip = /<Podmiot1>[\s\S]*?<NIP>(\d{10})<\/NIP>/.exec(xml)?.[1] ?? '';
    const kind = /<RodzajFaktury>([^<]*)<\/RodzajFaktury>/.exec(xml)?.[1] ?? '';
    const record = (final: ReceivedInvoice['final'], ksef: string | null = null): ReceivedInvoice => {
      const r: ReceivedInvoice = { ...base, invoiceNumber, sellerNip, kind, hash: body.invoiceHash, xml, final, ksefNumber: ksef };
      session.invoices.push(r);
      this.received.push(r);
      return r;
    };
    if (sha(encrypted) !== body.encryptedInvoiceHash || encrypted.length !== body.encryptedInvoiceSize || sha(plain) !== body.invoiceHash || plain.length !== body.invoiceSize) {
      return record({ code: 430, description: 'Błąd weryfikacji pliku faktury', details: ['skrót lub rozmiar nie zgadza się z treścią'] });
    }
    const validation = fa3Schema().validate(xml);
    if (!validation.valid) return record({ code: 450, description: 'Błąd weryfikacji semantyki dokumentu faktury', details: validation.errors.map((e) => `${String(e.element)}: ${e.reason}`) });
    const selfBilling = /<P_17>1<\/P_17>/.test(xml);
    if (sellerNip !== session.contextNip && !(selfBilling && this.selfInvoicing.has(sellerNip))) {
      return record({ code: 410, description: 'Nieprawidłowy zakres uprawnień' });
    }
    const refusal = this.refuse.get(invoiceNumber);
    if (refusal) {
      this.refuse.delete(invoiceNumber);
      return record({ code: refusal.code, description: refusal.description });
    }
    const key = `${sellerNip}|${kind}|${invoiceNumber}`;
    const earlier = this.accepted.get(key);
    if (earlier) {
      return record({
        code: 440,
        description: 'Duplikat faktury',
        details: [`Duplikat faktury. Faktura o numerze KSeF: ${String(earlier.ksefNumber)} została już prawidłowo przesłana do systemu w sesji: ${earlier.sessionReference}`],
        extensions: { originalSessionReferenceNumber: earlier.sessionReference, originalKsefNumber: earlier.ksefNumber ?? '' },
      });
    }
    const r = record({ code: 200, description: 'Sukces' }, ksefNumber(sellerNip));
    this.accepted.set(key, r);
    return r;
  }

  /** An invoice that KSeF already holds, accepted in an earlier session (the duplicate fault). */
  preload(sellerNip: string, kind: string, invoiceNumber: string): ReceivedInvoice {
    const ref = referenceNumber('SO');
    const session: Session = { referenceNumber: ref, contextNip: sellerNip, key: randomBytes(32), iv: randomBytes(16), open: false, created: new Date().toISOString(), invoices: [] };
    this.sessions.set(ref, session);
    const r: ReceivedInvoice = {
      sessionReference: ref,
      referenceNumber: referenceNumber('EE'),
      ordinalNumber: 1,
      invoiceNumber,
      sellerNip,
      kind,
      hash: createHash('sha256').update(invoiceNumber).digest('base64'),
      xml: '',
      receivedAt: new Date().toISOString(),
      polled: true,
      final: { code: 200, description: 'Sukces' },
      ksefNumber: ksefNumber(sellerNip),
    };
    session.invoices.push(r);
    this.accepted.set(`${sellerNip}|${kind}|${invoiceNumber}`, r);
    return r;
  }
}

const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The UPO of one invoice (schema upo-v4-3.xsd). */
export function upoOf(i: ReceivedInvoice, contextNip: string): string {
  const issueDate = /<P_1>([^<]*)<\/P_1>/.exec(i.xml)?.[1] ?? i.receivedAt.slice(0, 10);
  return `<?xml version="1.0" encoding="UTF-8"?>
<Potwierdzenie xmlns="http://upo.schematy.mf.gov.pl/KSeF/v4-3" wersjaSchemy="4-3">
  <NazwaPodmiotuPrzyjmujacego>Ministerstwo Finansów</NazwaPodmiotuPrzyjmujacego>
  <NumerReferencyjnySesji>${i.sessionReference}</NumerReferencyjnySesji>
  <Uwierzytelnienie>
    <IdKontekstu><Nip>${contextNip}</Nip></IdKontekstu>
    <NumerReferencyjnyTokenaKSeF>${referenceNumber('TK')}</NumerReferencyjnyTokenaKSeF>
  </Uwierzytelnienie>
  <NazwaStrukturyLogicznej>schemat_FA(3)_v1-0E.xsd</NazwaStrukturyLogicznej>
  <KodFormularza>FA (3)</KodFormularza>
  <Dokument>
    <NipSprzedawcy>${i.sellerNip}</NipSprzedawcy>
    <NumerKSeFDokumentu>${String(i.ksefNumber)}</NumerKSeFDokumentu>
    <NumerFaktury>${xmlText(i.invoiceNumber)}</NumerFaktury>
    <DataWystawieniaFaktury>${issueDate}</DataWystawieniaFaktury>
    <DataPrzeslaniaDokumentu>${i.receivedAt}</DataPrzeslaniaDokumentu>
    <DataNadaniaNumeruKSeF>${i.receivedAt}</DataNadaniaNumeruKSeF>
    <SkrotDokumentu>${i.hash}</SkrotDokumentu>
    <TrybWysylki>Online</TrybWysylki>
  </Dokument>
</Potwierdzenie>
`;
}
