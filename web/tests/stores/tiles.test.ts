import { describe, expect, it } from 'vitest'
import { gridColumns, spotlightTile, type TileSource } from '../../src/stores/tiles'

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

  it('chooses grid columns that make tiles biggest', () => {
    expect(gridColumns(1, 1280, 720)).toBe(1)
    expect(gridColumns(2, 1280, 720)).toBe(2)
    expect(gridColumns(4, 1280, 720)).toBe(2)
    expect(gridColumns(6, 1280, 720)).toBe(3)
    // A phone held upright stacks tiles.
    expect(gridColumns(3, 390, 700)).toBe(1)
  })
})
