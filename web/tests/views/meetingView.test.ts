import { describe, expect, it } from 'vitest'
import { createApp, nextTick } from 'vue'
import { createPinia } from 'pinia'
import { i18n } from '../../src/i18n'
import MeetingView from '../../src/views/MeetingView.vue'
import { useMeetingStore } from '../../src/stores/meeting'
import { useUiStore } from '../../src/stores/ui'
import type { Participant } from '../../src/rtc/protocol'
import { FakeTrack, asTrack } from '../fakes/media'

const participant = (id: string): Participant => ({ id, user_id: id, name: id, audio: true, video: true, screen: false, hand: false })

/** A remote camera stream with audio, as both transports deliver it (happy-dom's MediaStream). */
function cameraStream(): MediaStream {
  const s = new MediaStream()
  const audio = asTrack(new FakeTrack('audio'))
  // happy-dom's stream keeps any track object; only getAudioTracks is read by the view.
  Object.defineProperty(s, 'getAudioTracks', { value: () => [audio] })
  return s
}

async function mount(peers: number) {
  const pinia = createPinia()
  const el = document.createElement('div')
  document.body.append(el)
  const app = createApp(MeetingView, { room: 'big' }).use(pinia).use(i18n)
  app.mount(el)
  const store = useMeetingStore(pinia)
  const ids = Array.from({ length: peers }, (_, i) => `p${i}`)
  store.applyJoin({ self_id: 'me', room: 'big', name: 'Me', role: 'guest', chat: [], ice_servers: [], participants: ids.map(participant), mode: 'sfu' })
  for (const id of ids) store.setRemoteStream(id, 'camera', cameraStream())
  store.status = 'joined'
  await nextTick()
  const tiles = () => [...el.querySelectorAll('[data-testid=tile]')].map((t) => t.getAttribute('data-tile'))
  return { el, app, store, pinia, tiles }
}

describe('MeetingView paging', () => {
  it('shows 9 tiles a page, pages with the buttons, and keeps off-page people audible', async () => {
    const { el, app, pinia, tiles } = await mount(11) // 12 tiles with ours
    expect(tiles()).toHaveLength(9)
    expect(el.querySelector('[data-testid=pager]')).not.toBeNull()
    // 3 remote tiles are off screen: each gets an audio element.
    expect(el.querySelectorAll('[data-testid=hidden-audio]')).toHaveLength(3)
    ;(el.querySelector('[data-testid=page-next]') as HTMLButtonElement).click()
    await nextTick()
    expect(tiles()).toEqual(['p8:camera', 'p9:camera', 'p10:camera'])
    expect(el.querySelectorAll('[data-testid=hidden-audio]')).toHaveLength(8)
    expect([...useUiStore(pinia).stage.visible]).toEqual(['p8:camera', 'p9:camera', 'p10:camera'])
    app.unmount()
  })

  it('a small room has no pager and no extra audio', async () => {
    const { el, app, tiles } = await mount(3)
    expect(tiles()).toHaveLength(4)
    expect(el.querySelector('[data-testid=pager]')).toBeNull()
    expect(el.querySelectorAll('[data-testid=hidden-audio]')).toHaveLength(0)
    app.unmount()
  })

  it('a camera held back by last-N shows the avatar, not a frozen frame, until it flows again', async () => {
    const { el, app, store } = await mount(3)
    const tile = (id: string) => el.querySelector(`[data-tile="${id}:camera"]`)!
    const showsVideo = (id: string) => (tile(id).querySelector('video') as HTMLElement).style.display !== 'none'
    expect(showsVideo('p1')).toBe(true)
    store.setCameraForwarded('p1', false)
    await nextTick()
    expect(showsVideo('p1')).toBe(false)
    expect(tile('p1').querySelector('[data-testid=avatar]')).not.toBeNull()
    expect(tile('p1').querySelector('[data-testid=cam-held]')).not.toBeNull()
    expect(tile('p1').querySelector('[data-testid=cam-off]')).toBeNull()
    expect(tile('p2').querySelector('[data-testid=avatar]')).toBeNull()
    store.setCameraForwarded('p1', true)
    await nextTick()
    expect(showsVideo('p1')).toBe(true)
    expect(tile('p1').querySelector('[data-testid=cam-held]')).toBeNull()
    app.unmount()
  })
})
