// Readable ids: no 0/o, 1/l/i; grouped like "kxq-7mfp-r2w" so they survive being read aloud.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'

export function randomRoomId(random: (n: number) => Uint32Array = cryptoRandom): string {
  const groups = [3, 4, 3]
  const values = random(groups.reduce((a, b) => a + b, 0))
  let i = 0
  return groups.map((len) => Array.from({ length: len }, () => ALPHABET[values[i++]! % ALPHABET.length]).join('')).join('-')
}

function cryptoRandom(n: number): Uint32Array {
  return crypto.getRandomValues(new Uint32Array(n))
}

const ROOM_RE = /^[A-Za-z0-9_-]{1,64}$/

export function isValidRoomId(id: string): boolean {
  return ROOM_RE.test(id)
}

/** Accepts a bare id or any link containing /r/<id>; returns null when neither. */
export function parseRoomInput(input: string): string | null {
  const text = input.trim()
  if (isValidRoomId(text)) return text
  const m = /\/r\/([A-Za-z0-9_-]{1,64})(?:[/?#]|$)/.exec(text)
  return m ? m[1]! : null
}
