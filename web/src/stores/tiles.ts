/** Pure layout logic of the meeting stage, kept out of components so it can be tested. */
export interface TileSource {
  id: string
  peerId: string
  kind: 'camera' | 'screen'
  isSelf: boolean
}

export function tileId(peerId: string, kind: 'camera' | 'screen'): string {
  return `${peerId}:${kind}`
}

/**
 * The main tile of the spotlight layout: the one the user clicked, else the newest screen share,
 * else the active speaker, else the first other participant, else ourselves.
 */
export function spotlightTile(tiles: TileSource[], pinned: string | null, activeSpeaker: string | null): string | null {
  if (pinned && tiles.some((t) => t.id === pinned)) return pinned
  const screens = tiles.filter((t) => t.kind === 'screen' && !t.isSelf)
  if (screens.length) return screens[screens.length - 1]!.id
  if (activeSpeaker) {
    const speaking = tiles.find((t) => t.peerId === activeSpeaker && t.kind === 'camera' && !t.isSelf)
    if (speaking) return speaking.id
  }
  return (tiles.find((t) => !t.isSelf) ?? tiles[0])?.id ?? null
}

/** Columns for a grid of n tiles on a stage of the given aspect, maximising tile size. */
export function gridColumns(n: number, stageWidth: number, stageHeight: number, tileAspect = 16 / 9): number {
  if (n <= 1) return 1
  let best = 1
  let bestArea = 0
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols)
    const w = Math.min(stageWidth / cols, (stageHeight / rows) * tileAspect)
    const area = w * (w / tileAspect)
    if (area >= bestArea) {
      bestArea = area
      best = cols
    }
  }
  return best
}
