// The KSeF token at rest: AES-256-GCM with the service's key (KSEF_SECRET_KEY), bound to
// its cluster by the additional data, so a sealed token copied to another cluster does not open.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DomainError } from '../../shared/domain-error.js';
import type { SealedSecret } from '../domain/outbox.js';

export class SecretBox {
  constructor(private readonly key: Buffer | null) {
    if (key !== null && key.length !== 32) throw new Error('the KSeF secret key must be 32 bytes');
  }

  get available(): boolean {
    return this.key !== null;
  }

  private requireKey(): Buffer {
    if (!this.key) {
      throw DomainError.conflict('KSeF cannot be connected: the service has no KSEF_SECRET_KEY to keep the KSeF token encrypted. Set it (32 random bytes, base64) and restart the service.');
    }
    return this.key;
  }

  seal(clusterId: string, plain: string): SealedSecret {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.requireKey(), iv);
    cipher.setAAD(Buffer.from(`ksef-token:${clusterId}`));
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return { iv: iv.toString('base64'), ciphertext: ciphertext.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
  }

  open(clusterId: string, sealed: SealedSecret): string {
    const decipher = createDecipheriv('aes-256-gcm', this.requireKey(), Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(`ksef-token:${clusterId}`));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString('utf8');
  }
}
