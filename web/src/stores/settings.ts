import { defineStore } from 'pinia'
import { ref, watch } from 'vue'

const KEY = 'confab.settings'

interface Saved {
  name: string
  cameraId: string
  micId: string
}

function load(storage: Storage): Saved {
  try {
    const v = JSON.parse(storage.getItem(KEY) ?? '{}') as Partial<Saved>
    return { name: v.name ?? '', cameraId: v.cameraId ?? '', micId: v.micId ?? '' }
  } catch {
    return { name: '', cameraId: '', micId: '' }
  }
}

/** What the user chose last time: display name and devices, kept in localStorage. */
export const useSettingsStore = defineStore('settings', () => {
  const saved = load(localStorage)
  const name = ref(saved.name)
  const cameraId = ref(saved.cameraId)
  const micId = ref(saved.micId)
  watch([name, cameraId, micId], () => {
    localStorage.setItem(KEY, JSON.stringify({ name: name.value, cameraId: cameraId.value, micId: micId.value }))
  })
  return { name, cameraId, micId }
})
