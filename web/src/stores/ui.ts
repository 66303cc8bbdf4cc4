import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { spotlightTile, stageView, TILES_PER_PAGE } from '../layout/tiles'
import { useMeetingStore } from './meeting'

export type Panel = 'chat' | 'people' | null
export type Layout = 'grid' | 'spotlight'

/**
 * What the user chose to look at in a meeting: the side panel, the layout, the pinned tile, the
 * page of the stage, and the unread-chat badge that follows from the panel. The meeting store says
 * what there is; this one only reads it and follows its actions.
 */
export const useUiStore = defineStore('ui', () => {
  const meeting = useMeetingStore()
  const panel = ref<Panel>(null)
  /** Messages from others that arrived while the chat was closed. */
  const unread = ref(0)
  const layout = ref<Layout>('grid')
  const pinned = ref<string | null>(null)
  /** The page of the grid (or of the spotlight's strip) the user looks at; clamped when shown. */
  const page = ref(0)
  const perPage = ref(TILES_PER_PAGE)

  const mainTile = computed(() => spotlightTile(meeting.tiles, pinned.value, meeting.activeSpeaker))
  const spotlight = computed(() => layout.value === 'spotlight' && meeting.tiles.length > 1)
  /** What the stage shows; in an SFU room only `stage.visible` videos are received. */
  const stage = computed(() => stageView(meeting.tiles, spotlight.value, mainTile.value, page.value, perPage.value))

  meeting.$onAction(({ name, args, after }) => {
    if (name === 'reset') {
      // A new call (or none): nothing pinned, the first page, nothing unread.
      after(() => {
        pinned.value = null
        page.value = 0
        unread.value = 0
      })
    } else if (name === 'removePeer') {
      const [id] = args
      after(() => {
        if (pinned.value?.startsWith(`${id}:`)) pinned.value = null
      })
    } else if (name === 'addMessage') {
      const [m] = args
      after((added) => {
        if (added && panel.value !== 'chat' && m.user_id !== meeting.selfId) unread.value++
      })
    }
  })

  function openPanel(p: Panel): void {
    panel.value = panel.value === p ? null : p
    if (panel.value === 'chat') unread.value = 0
  }

  function pin(id: string | null): void {
    pinned.value = pinned.value === id ? null : id
    if (pinned.value) layout.value = 'spotlight'
  }

  function toggleLayout(): void {
    layout.value = layout.value === 'grid' ? 'spotlight' : 'grid'
    if (layout.value === 'grid') pinned.value = null
  }

  function showPage(n: number): void {
    page.value = Math.max(0, Math.min(n, stage.value.pages - 1))
  }

  function setPerPage(n: number): void {
    if (n === perPage.value) return
    // Keep the first tile we were looking at on screen.
    const first = stage.value.page * perPage.value
    perPage.value = n
    page.value = Math.floor(first / n)
  }

  return { panel, unread, layout, pinned, page, perPage, mainTile, spotlight, stage, openPanel, pin, toggleLayout, showPage, setPerPage }
})
