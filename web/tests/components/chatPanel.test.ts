import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createApp, nextTick } from 'vue'
import { createPinia } from 'pinia'
import { i18n } from '../../src/i18n'
import ChatPanel from '../../src/components/ChatPanel.vue'
import { useMeetingStore } from '../../src/stores/meeting'
import type { Participant } from '../../src/rtc/protocol'

const sendChat = vi.fn<(text: string, to?: string) => Promise<void>>(async () => {})
vi.mock('../../src/call/call', () => ({ sendChat: (text: string, to?: string) => sendChat(text, to) }))

const participant = (id: string, name: string): Participant => ({ id, user_id: id, name, audio: true, video: true, screen: false, hand: false })

async function mount() {
  const pinia = createPinia()
  const el = document.createElement('div')
  document.body.append(el)
  const app = createApp(ChatPanel).use(pinia).use(i18n)
  app.mount(el)
  const store = useMeetingStore(pinia)
  store.applyJoin({
    self_id: 'me', room: 'r', name: 'Me', role: 'guest', ice_servers: [],
    participants: [participant('b', 'Bob'), participant('c', 'Cy')],
    chat: [
      { id: 1, user_id: 'b', name: 'Bob', text: 'hello all', ts: 1 },
      { id: 2, user_id: 'b', name: 'Bob', text: 'just you', ts: 2, to: 'me' },
      { id: 3, user_id: 'me', name: 'Me', text: 'just Cy', ts: 3, to: 'c' },
    ],
  })
  await nextTick()
  return { el, app, store }
}

describe('ChatPanel', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'en'
    sendChat.mockClear()
  })

  it('labels private messages with who they were for, and only those', async () => {
    const { el, app } = await mount()
    const items = [...el.querySelectorAll('[data-testid=chat-message]')]
    const labels = items.map((li) => li.querySelector('[data-testid=chat-private]')?.textContent ?? null)
    expect(labels).toEqual([null, 'private to you', 'private to Cy'])
    app.unmount()
  })

  it('sends to everyone by default and privately to the member chosen', async () => {
    const { el, app } = await mount()
    const vm = (app._instance as unknown as { setupState: unknown }).setupState as { text: string; recipient: string; send: () => Promise<void> }
    vm.text = 'to the room'
    await vm.send()
    expect(sendChat).toHaveBeenLastCalledWith('to the room', undefined)
    vm.recipient = 'c'
    vm.text = 'to Cy'
    await vm.send()
    expect(sendChat).toHaveBeenLastCalledWith('to Cy', 'c')
    expect(el.querySelector<HTMLInputElement>('[data-testid=chat-input]')?.placeholder).toBe('Private message to Cy')
    app.unmount()
  })

  it('falls back to everyone when the chosen member leaves', async () => {
    const { app, store } = await mount()
    const vm = (app._instance as unknown as { setupState: unknown }).setupState as { recipient: string }
    vm.recipient = 'c'
    await nextTick()
    store.removePeer('c')
    await nextTick()
    expect(vm.recipient).toBe('')
    app.unmount()
  })
})
