import { ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { message } from 'ant-design-vue'
import { hostAction } from '../call/call'
import type { HostEvent, HostRequests } from '../rtc/protocol'

/**
 * Runs a host control and reports a refusal as a toast in the user's language (the server's code
 * picks the text). `busy` is true while a request is out.
 */
export function useHostAction() {
  const { t, te } = useI18n()
  const busy = ref(false)

  async function run<E extends HostEvent>(event: E, payload: HostRequests[E], done?: string): Promise<boolean> {
    busy.value = true
    try {
      await hostAction(event, payload)
      if (done) void message.success(done)
      return true
    } catch (err) {
      const e = err as { code?: string; message?: string }
      const key = `errors.${e.code ?? ''}`
      void message.error(te(key) ? t(key) : t('host.failed', { msg: e.message ?? String(err) }))
      return false
    } finally {
      busy.value = false
    }
  }

  return { run, busy }
}
