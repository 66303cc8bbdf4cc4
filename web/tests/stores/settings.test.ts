import { beforeEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { createPinia, setActivePinia } from 'pinia'
import { useSettingsStore } from '../../src/stores/settings'

describe('settings store', () => {
  beforeEach(() => {
    localStorage.clear()
    setActivePinia(createPinia())
  })

  it('remembers the display name and devices across page loads', async () => {
    const s = useSettingsStore()
    s.name = 'Ada'
    s.micId = 'mic-2'
    await nextTick()
    setActivePinia(createPinia())
    const again = useSettingsStore()
    expect(again.name).toBe('Ada')
    expect(again.micId).toBe('mic-2')
    expect(again.cameraId).toBe('')
  })

  it('survives a corrupt saved value', () => {
    localStorage.setItem('confab.settings', '{nope')
    expect(useSettingsStore().name).toBe('')
  })
})
