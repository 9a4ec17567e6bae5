// The web portal: members see their month, the coordinator runs the cluster's month, the
// auditor checks the log. Server-rendered; the session (security.ts: a server-side
// session id in an httpOnly, SameSite=Strict cookie, CSRF-checked POSTs, a CSP without
// inline scripts) is bound to the access token, checked at every page like the API's guard.
import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { type Readable } from 'node:stream';
import type { Pool } from 'pg';
import { Public, type Principal } from '../auth/roles.decorator.js';
import { TokenRepository } from '../auth/tokens.js';
import { isDomainError } from '../common/domain-error.js';
import { PG_POOL } from '../core.module.js';
import { projectRoot } from '../database/paths.js';
import { ClustersService } from '../clusters/clusters.service.js';
import { MeteringService } from '../metering/metering.service.js';
import { SettlementService } from '../settlement/settlement.service.js';
import { InvoicingService } from '../invoicing/invoicing.service.js';
import { renderInvoicePdf } from '../invoicing/pdf.js';
import { AuditService } from '../audit/audit.service.js';
import { exportLine } from '../audit/audit.controller.js';
import type { MemberStatement } from '../settlement/engine/statement.js';
import { escapeHtml, kwh, local, page, percentBp, table, zl } from './html.js';
import { cookieOptions, cookies, CSRF_COOKIE, portalState, PortalSessions, SESSION_COOKIE, SESSION_HOURS, withCsrf } from './security.js';
import { MAX_FILE_BYTES } from '../metering/metering.controller.js';
import { problem, ProblemException } from '../common/problem.js';
import { pipeline, Transform } from 'node:stream';
import { createHash } from 'node:crypto';
import { KsefReader } from '../ksef/queries/ksef-reader.js';
import type { KsefView } from '../ksef/domain/outbox.js';
import { type Lang, t, type TextKey } from './i18n.js';

const LANG = 'kl_lang';
/** The portal's own scripts (assets/portal/), served by name: nothing inline (CSP). */
const SCRIPTS = ['member-month.js', 'cluster-month.js'];

/** Data for a page's script, as a JSON block the script reads (not executed, so CSP allows it). */
function jsonBlock(id: string, value: unknown): string {
  return `<script type="application/json" id="${id}">${JSON.stringify(value).replace(/</g, '\\u003c')}</script>`;
}
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const LOCAL_TIME = new Intl.DateTimeFormat('pl-PL', { timeZone: 'Europe/Warsaw', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

class PortalError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

@ApiExcludeController()
@Controller('portal')
export class PortalController {
  constructor(
    @Inject(TokenRepository) private readonly tokens: TokenRepository,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(ClustersService) private readonly clusters: ClustersService,
    @Inject(MeteringService) private readonly metering: MeteringService,
    @Inject(SettlementService) private readonly settlement: SettlementService,
    @Inject(InvoicingService) private readonly invoicing: InvoicingService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(PortalSessions) private readonly sessions: PortalSessions,
    @Inject(KsefReader) private readonly ksef: KsefReader,
  ) {}

  private lang(request: Request, response: Response): Lang {
    const asked = request.query.lang;
    if (asked === 'pl' || asked === 'en') {
      response.cookie(LANG, asked, { httpOnly: true, sameSite: 'strict', path: '/portal' });
      return asked;
    }
    return cookies(request)[LANG] === 'en' ? 'en' : 'pl';
  }

  /** The signed-in principal (the session's token, still valid), or a redirect to sign-in with the reason. */
  private async principal(request: Request, response: Response): Promise<Principal | undefined> {
    const { session, staleSession } = portalState(request);
    const { principal } = session ? await this.tokens.principalById(session.tokenId) : { principal: undefined };
    if (!principal) {
      if (session) await this.sessions.delete(session.sessionId); // its token was revoked or expired
      response.clearCookie(SESSION_COOKIE, cookieOptions(request));
      response.redirect(303, `/portal?${session || staleSession ? 'ended=1' : ''}`);
      return undefined;
    }
    return principal;
  }

  /** Every page goes out through here: the CSRF token goes into its POST forms. */
  private send(response: Response, lang: Lang, principal: Principal | undefined, title: string, body: string, extra: { message?: string; charts?: boolean; status?: number } = {}) {
    const html = page({ lang, title, body, signedIn: principal ? { label: principal.label, role: principal.role } : undefined, message: extra.message, charts: extra.charts });
    response.status(extra.status ?? 200).type('html').send(withCsrf(html, portalState(response.req).csrfToken));
  }

  private async guarded(request: Request, response: Response, roles: Principal['role'][], render: (p: Principal, lang: Lang) => Promise<void>) {
    const lang = this.lang(request, response);
    const principal = await this.principal(request, response);
    if (!principal) return;
    try {
      if (!roles.includes(principal.role) || !principal.clusterId) throw new PortalError(404, t(lang, 'notFound'));
      await render(principal, lang);
    } catch (error) {
      const status = error instanceof PortalError ? error.status : isDomainError(error) ? (error.code === 'not_found' ? 404 : error.code === 'conflict' ? 409 : 400) : 500;
      const detail = error instanceof PortalError || isDomainError(error) ? (error as Error).message + (isDomainError(error) && error.errors.length ? ': ' + error.errors.map((e) => `${e.line !== undefined ? `line ${e.line}` : e.field} ${e.reason}`).join('; ') : '') : t(lang, 'error');
      this.send(response, lang, principal, `${t(lang, 'error')} ${status}`, `<p><a href="/portal/home">${t(lang, 'months')}</a></p>`, { message: detail, status });
    }
  }

  @Get('assets/chart.umd.min.js')
  @Public()
  chartJs(@Res() response: Response) {
    response.type('application/javascript').setHeader('cache-control', 'public, max-age=86400');
    createReadStream(join(projectRoot(), 'node_modules', 'chart.js', 'dist', 'chart.umd.min.js')).pipe(response);
  }

  @Get('assets/app/:file')
  @Public()
  script(@Param('file') file: string, @Res() response: Response) {
    if (!SCRIPTS.includes(file)) {
      response.status(404).type('text').send('not found');
      return;
    }
    response.type('application/javascript').setHeader('cache-control', 'no-cache');
    createReadStream(join(projectRoot(), 'assets', 'portal', file)).pipe(response);
  }

  @Get()
  @Public()
  async signInPage(@Req() request: Request, @Res() response: Response, @Query('ended') ended?: string) {
    const lang = this.lang(request, response);
    const body = `<section><form method="post" action="/portal/sign-in">
<label for="token">${t(lang, 'token')}</label><input id="token" name="token" type="password" autocomplete="off" required size="50">
<p><button type="submit">${t(lang, 'signIn')}</button></p></form></section>`;
    this.send(response, lang, undefined, t(lang, 'signIn'), body, { message: ended ? t(lang, 'sessionEnded') : undefined });
  }

  @Post('sign-in')
  @Public()
  async signIn(@Req() request: Request, @Res() response: Response, @Body() body: { token?: string }) {
    const lang = this.lang(request, response);
    const token = typeof body?.token === 'string' ? body.token.trim() : '';
    const { principal } = token ? await this.tokens.authenticate(token) : { principal: undefined };
    if (!principal || principal.role === 'meter-data') {
      this.send(response, lang, undefined, t(lang, 'signIn'), `<section><form method="post" action="/portal/sign-in"><label for="token">${t(lang, 'token')}</label><input id="token" name="token" type="password" required size="50"><p><button type="submit">${t(lang, 'signIn')}</button></p></form></section>`, { message: t(lang, 'badToken'), status: 401 });
      return;
    }
    // a new session at every sign-in (never one a page was served under before)
    const previous = portalState(request).session;
    if (previous) await this.sessions.delete(previous.sessionId);
    const session = await this.sessions.create(principal.tokenId);
    response.cookie(SESSION_COOKIE, session.sessionId, cookieOptions(request, SESSION_HOURS * 3_600_000));
    response.clearCookie(CSRF_COOKIE, cookieOptions(request));
    response.redirect(303, '/portal/home');
  }

  @Post('sign-out')
  @Public()
  async signOut(@Req() request: Request, @Res() response: Response) {
    const { session } = portalState(request);
    if (session) await this.sessions.delete(session.sessionId);
    response.clearCookie(SESSION_COOKIE, cookieOptions(request));
    response.redirect(303, '/portal');
  }

  @Get('home')
  @Public()
  async home(@Req() request: Request, @Res() response: Response) {
    await this.guarded(request, response, ['coordinator', 'member', 'auditor', 'admin'], async (p, lang) => {
      const clusterId = p.clusterId!;
      const state = await this.clusters.state(clusterId);
      const { rows } = await this.pool.query<{ month: string }>("SELECT DISTINCT to_char(day, 'YYYY-MM') AS month FROM meter_days WHERE cluster_id = $1 ORDER BY month DESC", [clusterId]);
      const closed = new Set((await this.pool.query<{ month: string }>('SELECT month FROM settlement_closed_months WHERE cluster_id = $1', [clusterId])).rows.map((r) => r.month));
      const target = (m: string) => (p.role === 'member' ? `/portal/months/${m}` : p.role === 'auditor' ? `/portal/audit?month=${m}` : `/portal/cluster/${m}`);
      const list = table(lang, ['month', 'status'], rows.map((r) => [`<a href="${target(r.month)}">${r.month}</a>`, t(lang, closed.has(r.month) ? 'closed' : 'provisional')]));
      const auditLink = p.role === 'auditor' || p.role === 'coordinator' ? `<p><a href="/portal/audit">${t(lang, 'audit')}</a></p>` : '';
      this.send(response, lang, p, state.profile?.name ?? clusterId, `<section><h2>${t(lang, 'months')}</h2>${list}${auditLink}</section>`);
    });
  }

  private statementSections(lang: Lang, s: MemberStatement, names: (id: string) => string): string {
    const energy = (['importWh', 'exportWh', 'selfConsumedWh', 'receivedWh', 'suppliedWh', 'gridImportWh', 'gridExportWh'] as const).map((k) => [t(lang, k), kwh(s[k])]);
    const money = (['receivedValueGrosze', 'suppliedValueGrosze', 'feesGrosze', 'vatGrosze', 'netAmountGrosze', 'savingsGrosze'] as const).map((k) => [t(lang, k), zl(s[k])]);
    const shares = (['exportShareBp', 'importShareBp', 'suppliedShareBp', 'receivedShareBp'] as const).map((k) => [t(lang, k), percentBp(s[k])]);
    const contracts = s.contracts.length
      ? `<section><h2>${t(lang, 'contracts')}</h2>${table(lang, ['', 'contracted', 'delivered', 'shortfall', 'value'], s.contracts.map((c) => [escapeHtml(names(c.counterpartyMemberId)) + ` (${c.role})`, kwh(c.contractedWh), kwh(c.deliveredWh), kwh(c.shortfallWh), zl(c.valueGrosze)]), [false, true, true, true, true])}</section>`
      : '';
    const support = s.support
      ? `<section><h2>${t(lang, 'support')}</h2>${table(lang, ['', ''], [
        [t(lang, 'renewableMatchedWh'), kwh(s.support.renewableMatchedWh)], [t(lang, 'exemptWh'), kwh(s.support.exemptWh)],
        [t(lang, 'waivedOzeGrosze'), zl(s.support.waivedOzeGrosze)], [t(lang, 'waivedCogenerationGrosze'), zl(s.support.waivedCogenerationGrosze)]], [false, true])}</section>`
      : '';
    return `<div class="grid"><section><h2>${t(lang, 'energy')}</h2>${table(lang, ['', ''], energy, [false, true])}</section>
<section><h2>${t(lang, 'money')}</h2>${table(lang, ['', ''], money, [false, true])}</section>
<section><h2>${t(lang, 'shares')}</h2>${table(lang, ['', ''], shares, [false, true])}</section>${support}</div>${contracts}`;
  }

  @Get('months/:month')
  @Public()
  async memberMonth(@Req() request: Request, @Res() response: Response, @Param('month') month: string, @Query('day') day?: string, @Query('member') memberParam?: string) {
    await this.guarded(request, response, ['member', 'coordinator', 'auditor'], async (p, lang) => {
      if (!MONTH.test(month)) throw new PortalError(400, t(lang, 'notFound'));
      const memberId = p.role === 'member' ? p.memberId! : memberParam ?? '';
      // a member opening another member's page by editing the URL sees "not found"
      if (p.role === 'member' && memberParam && memberParam !== p.memberId) throw new PortalError(404, t(lang, 'notFound'));
      const clusterId = p.clusterId!;
      const state = await this.clusters.state(clusterId);
      const names = (id: string) => state.members[id]?.legalName ?? id;
      const closed = await this.settlement.closedMonth(clusterId, month);
      const statement = closed ? closed.statements.find((s) => s.memberId === memberId) : (await this.settlement.memberStatement(clusterId, month, memberId)).statement;
      if (!statement) throw new PortalError(404, t(lang, 'notFound'));
      const daily = await this.settlement.memberDaily(clusterId, month, memberId);
      const chosen = day && /^\d{4}-\d{2}-\d{2}$/.test(day) && day.startsWith(month) ? day : daily[0]?.day ?? `${month}-01`;
      const curve = await this.settlement.memberIntervals(clusterId, month, memberId, chosen);
      const invoices = (await this.invoicing.documents(clusterId)).filter((d) => d.memberId === memberId && d.month === month);
      const ksefOf = await this.ksef.views(clusterId);
      const chartData = ({
        days: daily.map((d) => d.day.slice(8)),
        own: daily.map((d) => d.selfConsumedWh / 1000), cluster: daily.map((d) => d.receivedWh / 1000), grid: daily.map((d) => d.gridImportWh / 1000),
        supplied: daily.map((d) => d.suppliedWh / 1000), fedIn: daily.map((d) => d.gridExportWh / 1000),
        times: curve.items.map((i) => LOCAL_TIME.format(new Date(i.intervalStart))), curveImport: curve.items.map((i) => i.importWh), curveReceived: curve.items.map((i) => i.receivedWh), curveExport: curve.items.map((i) => i.exportWh),
      });
      const labels = [t(lang, 'selfConsumedWh'), t(lang, 'receivedWh'), t(lang, 'gridImportWh'), t(lang, 'suppliedWh'), t(lang, 'gridExportWh'), t(lang, 'importWh'), t(lang, 'exportWh')];
      const body = `<p>${t(lang, 'status')}: <strong data-testid="status">${t(lang, closed ? 'closed' : 'provisional')}</strong> · ${escapeHtml(names(memberId))}</p>
${this.statementSections(lang, statement, names)}
<section><h2>${t(lang, 'daily')}</h2><canvas id="daily" role="img" aria-label="${t(lang, 'daily')}"></canvas></section>
<section><h2>${t(lang, 'dayCurve')}</h2><form class="inline" method="get"><label for="day">${t(lang, 'day')}</label><input id="day" name="day" type="date" value="${chosen}" min="${month}-01" max="${month}-31">${p.role !== 'member' ? `<input type="hidden" name="member" value="${escapeHtml(memberId)}">` : ''}<button type="submit">${t(lang, 'show')}</button></form><canvas id="curve" role="img" aria-label="${t(lang, 'dayCurve')}"></canvas></section>
<section><h2>${t(lang, 'invoices')}</h2>${table(lang, ['number', 'kind', 'gross', 'ksef', ''], invoices.map((d) => [escapeHtml(d.number), escapeHtml(d.kind), zl(d.totalGrossGrosze), ksefLabel(lang, ksefOf(d)), `<a href="/portal/invoices/${d.invoiceId}.pdf">${t(lang, 'download')}</a>`]), [false, false, true, false, false])}</section>
${jsonBlock('member-month-data', { chart: chartData, labels })}<script src="/portal/assets/app/member-month.js" defer></script>`;
      this.send(response, lang, p, `${t(lang, 'statement')} ${month}`, body, { charts: true });
    });
  }

  @Get('invoices/:file')
  @Public()
  async invoicePdf(@Req() request: Request, @Res() response: Response, @Param('file') file: string) {
    await this.guarded(request, response, ['member', 'coordinator', 'auditor'], async (p, lang) => {
      const id = file.replace(/\.pdf$/, '');
      const document = (await this.invoicing.documents(p.clusterId!)).find((d) => d.invoiceId === id);
      if (!document || (p.role === 'member' && document.memberId !== p.memberId)) throw new PortalError(404, t(lang, 'notFound'));
      response.status(200).type('application/pdf').setHeader('content-disposition', `attachment; filename="${document.number.replace(/\//g, '-')}.pdf"`);
      response.end(await renderInvoicePdf(document, await this.ksef.pdfOptions(p.clusterId!, document)));
    });
  }

  @Get('cluster/:month')
  @Public()
  async clusterMonth(@Req() request: Request, @Res() response: Response, @Param('month') month: string, @Query('done') done?: string) {
    await this.guarded(request, response, ['coordinator'], async (p, lang) => {
      if (!MONTH.test(month)) throw new PortalError(400, t(lang, 'notFound'));
      const clusterId = p.clusterId!;
      const state = await this.clusters.state(clusterId);
      const names = (id: string) => state.members[id]?.legalName ?? id;
      const closed = await this.settlement.closedMonth(clusterId, month);
      const data = closed ? { cluster: closed.totals, statements: closed.statements } : await this.settlement.clusterMonth(clusterId, month);
      const totals = data.cluster;
      const kpi = (key: TextKey, k: { valueBp: number; thresholdBp: number | null; met: boolean | null }) =>
        [t(lang, key), `${percentBp(k.valueBp)}${k.thresholdBp !== null ? ` (${t(lang, 'threshold')} ${percentBp(k.thresholdBp)}: <span class="${k.met ? 'ok' : 'bad'}">${t(lang, k.met ? 'met' : 'notMet')}</span>)` : ''}`];
      const months = await this.settlement.months(clusterId);
      const completeness = await this.metering.completeness(clusterId, month);
      const gaps = completeness.ppe.filter((x) => x.missing.length > 0);
      let pending: { memberId: string; document: string | null; differenceNetGrosze: number }[] = [];
      if (closed) pending = await this.invoicing.pendingCorrections(clusterId, month).then((r) => r.pending, () => []);
      const memberRows = data.statements.map((s) => [`<a href="/portal/months/${month}?member=${encodeURIComponent(s.memberId)}">${escapeHtml(names(s.memberId))}</a>`, kwh(s.importWh), kwh(s.exportWh), kwh(s.receivedWh), kwh(s.suppliedWh), zl(s.netAmountGrosze)]);
      const body = `<p>${t(lang, 'status')}: <strong data-testid="status">${t(lang, closed ? 'closed' : 'provisional')}</strong></p>
<div class="grid"><section><h2>${t(lang, 'totals')}</h2>${table(lang, ['', ''], [
        [t(lang, 'importWh'), kwh(totals.importWh)], [t(lang, 'exportWh'), kwh(totals.exportWh)], [t(lang, 'receivedWh'), kwh(totals.receivedWh)],
        kpi('selfSufficiency', totals.selfSufficiency), kpi('renewableShare', totals.renewableShare)], [false, true])}</section>
<section><h2>${t(lang, 'trend')}</h2><canvas id="trend" role="img" aria-label="${t(lang, 'trend')}"></canvas></section></div>
<section><h2>${t(lang, 'members')}</h2>${table(lang, ['', 'importWh', 'exportWh', 'receivedWh', 'suppliedWh', 'netAmountGrosze'], memberRows, [false, true, true, true, true, true])}</section>
<section><h2>${t(lang, 'completeness')}</h2>${gaps.length === 0 ? `<p class="ok">${t(lang, 'complete')}</p>` : table(lang, ['ppeCode', 'missing'], gaps.map((g) => [escapeHtml(g.ppeCode), g.missing.slice(0, 5).map((m) => `${escapeHtml(local(m.from))} – ${escapeHtml(local(m.to))}`).join('<br>') + (g.missing.length > 5 ? '<br>…' : '')]))}</section>
<section><h2>${t(lang, 'importFile')}</h2><form id="import" class="inline"><div><label for="format">${t(lang, 'format')}</label><select id="format" name="format"><option value="tauron">Tauron eLicznik</option><option value="enea">Enea eBOK</option><option value="generic">CSV</option></select></div>
<div><label for="ppe">${t(lang, 'ppeCode')}</label><input id="ppe" name="ppeCode"></div><div><label for="file">${t(lang, 'file')}</label><input id="file" name="file" type="file" accept=".csv,text/csv" required></div><button type="submit">${t(lang, 'send')}</button></form><pre id="import-result" role="status" aria-live="polite"></pre></section>
${closed ? '' : `<section><h2>${t(lang, 'closeMonth')}</h2><form method="post" action="/portal/cluster/${month}/close" class="inline"><label><input type="checkbox" name="allowGaps" value="1"> ${t(lang, 'allowGaps')}</label><div><label for="reason">${t(lang, 'reason')}</label><input id="reason" name="reason" size="40"></div><button type="submit">${t(lang, 'closeMonth')}</button></form></section>`}
${closed ? `<section><h2>${t(lang, 'invoices')}</h2><form method="post" action="/portal/cluster/${month}/invoices"><button type="submit">${t(lang, 'issueInvoices')}</button></form></section>
<section><h2>${t(lang, 'corrections')}</h2>${table(lang, ['', 'number', 'differenceNetGrosze'], pending.map((x) => [escapeHtml(names(x.memberId)), escapeHtml(x.document ?? '—'), zl(x.differenceNetGrosze)]), [false, false, true])}
${pending.length ? `<form method="post" action="/portal/cluster/${month}/corrections" class="inline"><div><label for="creason">${t(lang, 'reason')}</label><input id="creason" name="reason" required size="40"></div><button type="submit">${t(lang, 'issueCorrections')}</button></form>` : ''}</section>` : ''}
${jsonBlock('cluster-month-data', { months: months.map((r) => r.month), selfSufficiency: months.map((r) => r.totals.selfSufficiency.valueBp / 100), label: t(lang, 'selfSufficiency') })}<script src="/portal/assets/app/cluster-month.js" defer></script>`;
      this.send(response, lang, p, `${t(lang, 'clusterMonth')} ${month}`, body, { charts: true, message: done ? t(lang, 'done') : undefined });
    });
  }

  @Post('import')
  @Public()
  async importFile(@Req() request: Request, @Res() response: Response, @Query('format') format?: string, @Query('ppeCode') ppeCode?: string) {
    const principal = await this.principal(request, response);
    if (!principal) return;
    if (principal.role !== 'coordinator') {
      response.status(404).type('text').send('not found');
      return;
    }
    if (format !== 'tauron' && format !== 'enea' && format !== 'generic') {
      response.status(400).type('text').send('format: tauron, enea or generic');
      return;
    }
    // the API's limit on a file, declared or streamed
    const tooLarge = () => new ProblemException(problem(413, `The file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB`));
    if (Number(request.headers['content-length'] ?? 0) > MAX_FILE_BYTES) {
      request.resume();
      throw tooLarge();
    }
    const hash = createHash('sha256');
    let bytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        if (bytes > MAX_FILE_BYTES) return callback(tooLarge());
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    // pipeline: an aborted upload ends the parse with an error instead of leaving it waiting
    const file = pipeline(request, meter, () => undefined) as unknown as Readable;
    try {
      const report = await this.metering.recordFile(principal.clusterId!, file, { format, ppeCode: ppeCode || undefined, balancing: 'before', digest: () => hash.digest('hex'), source: `portal:${format}` });
      response.status(200).type('text').send(JSON.stringify(report, null, 2));
    } catch (error) {
      if (error instanceof ProblemException) request.resume();
      if (!isDomainError(error)) throw error;
      const lines = [error.message, ...error.errors.map((e) => `  ${e.line !== undefined ? `line ${e.line}` : e.field}: ${e.reason}`)];
      response.status(400).type('text').send(lines.join('\n'));
    }
  }

  @Post('cluster/:month/:action')
  @Public()
  async clusterAction(@Req() request: Request, @Res() response: Response, @Param('month') month: string, @Param('action') action: string, @Body() body: { allowGaps?: string; reason?: string }) {
    await this.guarded(request, response, ['coordinator'], async (p) => {
      const clusterId = p.clusterId!;
      if (!MONTH.test(month)) throw new PortalError(400, 'month');
      if (action === 'close') {
        const completeness = await this.metering.completeness(clusterId, month);
        const gaps = completeness.ppe.filter((x) => x.missing.length > 0).map((x) => ({ ppeCode: x.ppeCode, missingIntervals: x.expectedIntervals - x.presentIntervals }));
        const allowGaps = body?.allowGaps === '1';
        if (allowGaps && !body?.reason) throw new PortalError(400, 'reason');
        await this.settlement.close(clusterId, month, { allowGaps, reason: body?.reason || null, gaps });
      } else if (action === 'invoices') {
        await this.invoicing.issue(clusterId, month);
      } else if (action === 'corrections') {
        await this.invoicing.issueCorrections(clusterId, month, String(body?.reason ?? 'korekta'));
      } else {
        throw new PortalError(404, 'action');
      }
      response.redirect(303, `/portal/cluster/${month}?done=1`);
    });
  }

  @Get('audit')
  @Public()
  async auditPage(@Req() request: Request, @Res() response: Response, @Query('month') month?: string) {
    await this.guarded(request, response, ['auditor', 'coordinator'], async (p, lang) => {
      const verify = await this.audit.verify(p.clusterId!);
      let replay = '';
      if (month && MONTH.test(month)) {
        const result = await this.audit.replay(p.clusterId!, month);
        replay = `<p data-testid="replay">${month}: <strong class="${result.identical ? 'ok' : 'bad'}">${t(lang, result.identical ? 'identical' : 'differences')}</strong>${result.digest ? ` · digest ${result.digest.matches ? '✓' : '✗'}` : ''}</p>`
          + (result.differences.length ? table(lang, ['', 'field', 'live', 'closed', 'replayed'], result.differences.slice(0, 50).map((d) => [escapeHtml(d.memberId), escapeHtml(d.field), String(d.live), String(d.closed), String(d.replayed)])) : '');
      }
      const body = `<section><h2>${t(lang, 'chain')}</h2><p data-testid="chain" class="${verify.intact ? 'ok' : 'bad'}">${t(lang, verify.intact ? 'intact' : 'broken')} (${verify.events} / ${verify.streams})</p><p>headsDigest: <code data-testid="heads-digest">${escapeHtml(verify.headsDigest)}</code></p></section>
<section><h2>${t(lang, 'replay')}</h2><form class="inline" method="get"><label for="month">${t(lang, 'month')}</label><input id="month" name="month" value="${escapeHtml(month ?? '')}" placeholder="2026-05" pattern="\\d{4}-\\d{2}"><button type="submit">${t(lang, 'show')}</button></form>${replay}</section>
<section><h2>${t(lang, 'exportLog')}</h2><p><a href="/portal/audit/export">${t(lang, 'exportLog')}</a></p></section>`;
      this.send(response, lang, p, t(lang, 'audit'), body);
    });
  }

  @Get('audit/export')
  @Public()
  async auditExport(@Req() request: Request, @Res() response: Response) {
    await this.guarded(request, response, ['auditor', 'coordinator'], async (p) => {
      response.status(200).type('application/x-ndjson').setHeader('content-disposition', 'attachment; filename="events.ndjson"');
      for await (const event of this.audit.events(null, Number.MAX_SAFE_INTEGER, p.clusterId!)) response.write(exportLine(event));
      response.end();
    });
  }
}

/** A document's KSeF state in the people's words (the reason of a refusal as KSeF gave it). */
function ksefLabel(lang: Lang, view: KsefView): string {
  switch (view.status) {
    case 'not_sent':
      return escapeHtml(view.reason.startsWith('KSeF is not connected') ? `${t(lang, 'ksefNotSent')}: ${t(lang, 'ksefNotConnected')}` : t(lang, 'ksefNotSent'));
    case 'queued':
      return escapeHtml(t(lang, 'ksefQueued'));
    case 'sent':
      return escapeHtml(t(lang, 'ksefSent'));
    case 'accepted':
      return `${escapeHtml(t(lang, 'ksefAccepted'))} <span data-testid="ksef-number">${escapeHtml(view.ksefNumber)}</span>`;
    case 'refused':
      return `<span class="bad">${escapeHtml(t(lang, 'ksefRefused'))} (${view.code}): ${escapeHtml(view.reason)}</span>`;
  }
}
