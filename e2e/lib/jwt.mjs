// Join tokens (docs/protocol.md, Join tokens): compact HS256 JWTs, signed here as the server would.
import { createHmac } from 'node:crypto'

const b64url = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url')

/** `claims`: room, name, role?, exp? (default: an hour from now), nbf?. */
export function signJoinToken(secret, { exp = Math.floor(Date.now() / 1000) + 3600, ...claims }) {
  const body = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ ...claims, exp, iat: Math.floor(Date.now() / 1000) })}`
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`
}
