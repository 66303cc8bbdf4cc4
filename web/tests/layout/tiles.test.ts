import { describe, expect, it } from 'vitest'
import { gridColumns, paginate, pinnedCameraPeer, spotlightTile, stageView, tilesPerPage, type TileSource } from '../../src/layout/tiles'

const t = (peerId: string, kind: 'camera' | 'screen' = 'camera'): TileSource => ({
  id: `${peerId}:${kind}`, peerId, kind, isSelf: peerId === 'self',
})

describe('tiles', () => {
  it('picks pinned, then a remote screen, then the speaker, then the first other person', () => {
    const tiles = [t('self'), t('a'), t('b')]
    expect(spotlightTile(tiles, null, null)).toBe('a:camera')
    expect(spotlightTile(tiles, null, 'b')).toBe('b:camera')
    expect(spotlightTile(tiles, null, 'self')).toBe('a:camera')
    expect(spotlightTile([...tiles, t('a', 'screen')], null, 'b')).toBe('a:screen')
    expect(spotlightTile([...tiles, t('a', 'screen')], 'b:camera', null)).toBe('b:camera')
    expect(spotlightTile([t('self')], 'gone:camera', null)).toBe('self:camera')
  })

  it('pins the SFU to the participant of a pinned camera tile, not to ourselves or a screen', () => {
    expect(pinnedCameraPeer('abc:camera')).toBe('abc')
    expect(pinnedCameraPeer('abc:screen')).toBeNull()
    expect(pinnedCameraPeer('self:camera')).toBeNull()
    expect(pinnedCameraPeer(null)).toBeNull()
    expect(pinnedCameraPeer(':camera')).toBeNull()
    expect(pinnedCameraPeer('camera')).toBeNull()
  })

  it('chooses grid columns that make tiles biggest', () => {
    expect(gridColumns(1, 1280, 720)).toBe(1)
    expect(gridColumns(2, 1280, 720)).toBe(2)
    expect(gridColumns(4, 1280, 720)).toBe(2)
    expect(gridColumns(6, 1280, 720)).toBe(3)
    // A phone held upright stacks tiles.
    expect(gridColumns(3, 390, 700)).toBe(1)
  })
})

describe('paging', () => {
  const many = (n: number) => [t('self'), ...Array.from({ length: n }, (_, i) => t(`p${i}`))]

  it('cuts tiles into pages and clamps the page asked for', () => {
    const tiles = many(11) // 12 tiles
    expect(paginate(tiles, 0, 9)).toMatchObject({ page: 0, pages: 2 })
    expect(paginate(tiles, 0, 9).items).toHaveLength(9)
    expect(paginate(tiles, 1, 9).items.map((x) => x.peerId)).toEqual(['p8', 'p9', 'p10'])
    expect(paginate(tiles, 7, 9).page).toBe(1)
    expect(paginate(tiles, -3, 9).page).toBe(0)
    expect(paginate([], 2, 9)).toEqual({ items: [], page: 0, pages: 1 })
    expect(paginate(tiles, 0, 4).pages).toBe(3)
    expect(tilesPerPage(false)).toBe(9)
    expect(tilesPerPage(true)).toBe(4)
  })

  it('the grid shows one page; only its tiles count as visible, the remote ones off it stay audible', () => {
    const tiles = many(11)
    const v = stageView(tiles, false, null, 1, 9)
    expect(v.main).toBeNull()
    expect([...v.visible]).toEqual(['p8:camera', 'p9:camera', 'p10:camera'])
    expect(v.hidden.map((x) => x.id)).toEqual(tiles.slice(1, 9).map((x) => x.id))
    // Our own tile is never in the audio list, even off screen.
    expect(v.hidden.some((x) => x.isSelf)).toBe(false)
    // A small room has one page and nothing hidden.
    const small = stageView(many(3), false, null, 0, 9)
    expect(small.pages).toBe(1)
    expect(small.hidden).toEqual([])
  })

  it('the spotlight shows the main tile and a page of the strip', () => {
    const tiles = [...many(6), t('p2', 'screen')]
    const v = stageView(tiles, true, 'p2:screen', 0, 4)
    expect(v.main?.id).toBe('p2:screen')
    expect(v.shown.map((x) => x.id)).toEqual(['self:camera', 'p0:camera', 'p1:camera', 'p2:camera'])
    expect(v.visible.has('p2:screen')).toBe(true)
    expect(v.pages).toBe(2)
    expect(v.hidden.map((x) => x.id)).toEqual(['p3:camera', 'p4:camera', 'p5:camera'])
  })
})
