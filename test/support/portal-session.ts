// Signs in to the portal as a browser would (the sign-in page's CSRF cookie, then its form
// with the token) and gives the session cookie, for tests that read portal pages by HTTP.
import type { TestService } from './service.js';

const valueOf = (cookies: string[] | undefined, name: string) => (cookies ?? []).find((c) => c.startsWith(`${name}=`))?.split(';')[0]?.split('=')[1] ?? '';

export async function portalSession(t: TestService, token: string): Promise<string> {
  const page = await t.http.get('/portal').set('host', 'portal.test').expect(200);
  const csrf = valueOf(page.headers['set-cookie'] as unknown as string[], 'kl_csrf');
  const res = await t.http.post('/portal/sign-in').set('host', 'portal.test').set('origin', 'http://portal.test').set('cookie', `kl_csrf=${csrf}`)
    .type('form').send({ token, _csrf: csrf }).expect(303);
  return `kl_session=${valueOf(res.headers['set-cookie'] as unknown as string[], 'kl_session')}`;
}

/** A page's text as a person reads it: tags dropped, white space collapsed. */
export const visibleText = (html: string) => html.replace(/<script[\s\S]*?<\/script>/g, ' ').replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
