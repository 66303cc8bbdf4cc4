import { onBeforeUnmount, onMounted } from 'vue'

/** Single-key shortcuts (M, V, ...) that stay out of the way while the user types. */
export function useShortcuts(map: Record<string, () => void>): void {
  function onKey(e: KeyboardEvent) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.repeat) return
    const el = e.target as HTMLElement | null
    if (el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName))) return
    const action = map[e.key.toLowerCase()]
    if (!action) return
    e.preventDefault()
    action()
  }
  onMounted(() => window.addEventListener('keydown', onKey))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey))
}
