// A portal session as a browser gets one: the sign-in page (its CSRF cookie and field),
// then the sign-in form with the token; the session cookie's value comes back.
import type { TestService } from './service.js';

export const PORTAL_HOST = 'portal.test';
export const PORTAL_ORIGIN = `http://${PORTAL_HOST}`;

const cookieOf = (res: { headers: Record<string, unknown> }, name: string) => ((res.headers['set-cookie'] as string[] | undefined) ?? []).find((c) => c.startsWith(`${name}=`));
const valueOf = (cookie: string | undefined) => cookie?.split(';')[0]?.split('=')[1] ?? '';

/** The `Cookie` header of a portal session signed in with a bearer token. */
export async function portalCookie(t: TestService, bearer: { Authorization: string }): Promise<string> {
  const page = await t.http.get('/portal').set('host', PORTAL_HOST).expect(200);
  const csrf = valueOf(cookieOf(page, 'kl_csrf'));
  const res = await t.http
    .post('/portal/sign-in')
    .set('host', PORTAL_HOST)
    .set('origin', PORTAL_ORIGIN)
    .set('cookie', `kl_csrf=${csrf}`)
    .type('form')
    .send({ token: bearer.Authorization.slice('Bearer '.length), _csrf: csrf })
    .expect(303);
  return `kl_session=${valueOf(cookieOf(res, 'kl_session'))}`;
}
