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
 * The participant whose camera a pinned tile shows, for the SFU's pins (`sfu_pin`): null for no
 * pin, our own tile, or a screen share (screen shares are always received).
 */
export function pinnedCameraPeer(pinned: string | null): string | null {
  if (!pinned) return null
  const cut = pinned.lastIndexOf(':')
  if (cut <= 0 || pinned.slice(cut + 1) !== 'camera') return null
  const peer = pinned.slice(0, cut)
  return peer === 'self' ? null : peer
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

/** Video tiles per page: big rooms page their grid (and the spotlight's strip). */
export const TILES_PER_PAGE = 9
export const TILES_PER_PAGE_NARROW = 4

export function tilesPerPage(narrow: boolean): number {
  return narrow ? TILES_PER_PAGE_NARROW : TILES_PER_PAGE
}

export interface Page<T> {
  items: T[]
  /** The page shown, clamped to the pages there are (0-based). */
  page: number
  pages: number
}

export function paginate<T>(items: readonly T[], page: number, perPage: number): Page<T> {
  const size = Math.max(1, Math.floor(perPage))
  const pages = Math.max(1, Math.ceil(items.length / size))
  const p = Math.min(Math.max(0, Math.floor(page) || 0), pages - 1)
  return { items: items.slice(p * size, p * size + size), page: p, pages }
}

export interface StageView {
  /** The spotlight's main tile; null in the grid. */
  main: TileSource | null
  /** The grid's page, or the spotlight strip's page. */
  shown: TileSource[]
  page: number
  pages: number
  /** Every tile on screen (main and page): only their video is received in an SFU room. */
  visible: Set<string>
  /** Remote tiles off screen: their audio still has to play. */
  hidden: TileSource[]
}

/** What the stage shows: the grid paged, or the main tile plus a paged strip. */
export function stageView(tiles: readonly TileSource[], spotlight: boolean, mainId: string | null, page: number, perPage: number): StageView {
  const main = spotlight ? (tiles.find((t) => t.id === mainId) ?? null) : null
  const rest = main ? tiles.filter((t) => t !== main) : tiles
  const p = paginate(rest, page, perPage)
  const visible = new Set(p.items.map((t) => t.id))
  if (main) visible.add(main.id)
  return { main, shown: p.items, page: p.page, pages: p.pages, visible, hidden: tiles.filter((t) => !t.isSelf && !visible.has(t.id)) }
}
