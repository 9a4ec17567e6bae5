// The cryptography KSeF asks of a client, with Node's crypto only: RSA-OAEP (SHA-256, MGF1
// SHA-256) with the Ministry's public key for the KSeF token and the session key,
// AES-256-CBC with PKCS#7 padding for each invoice, SHA-256 in Base64 for hashes.
import { constants, createCipheriv, createHash, createPublicKey, type KeyObject, publicEncrypt, randomBytes, X509Certificate } from 'node:crypto';

/** The public key of a certificate the API gives (X.509 DER in Base64). */
export function publicKeyOf(certificateBase64: string): KeyObject {
  const der = Buffer.from(certificateBase64, 'base64');
  try {
    return new X509Certificate(der).publicKey;
  } catch {
    // the OpenAPI document's example is a bare SubjectPublicKeyInfo: accept that too
    return createPublicKey({ key: der, format: 'der', type: 'spki' });
  }
}

/** SHA-256 of the key's SubjectPublicKeyInfo, Base64: the API's publicKeyId. */
export function publicKeyIdOf(key: KeyObject): string {
  return sha256Base64(key.export({ format: 'der', type: 'spki' }));
}

export function rsaOaepEncrypt(key: KeyObject, data: Buffer): Buffer {
  return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, data);
}

export interface SessionKey {
  key: Buffer;
  iv: Buffer;
}

/** A fresh AES-256 key and 128-bit IV for one session. */
export const newSessionKey = (): SessionKey => ({ key: randomBytes(32), iv: randomBytes(16) });

export function aesCbcEncrypt(session: SessionKey, plain: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-cbc', session.key, session.iv); // PKCS#7 padding is the default
  return Buffer.concat([cipher.update(plain), cipher.final()]);
}

export const sha256Base64 = (data: Buffer | string) => createHash('sha256').update(data).digest('base64');
