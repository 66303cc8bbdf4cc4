// confab-server for a browser test: the shared process helper (tests/lib/server.mjs) with the
// built web app required and the e2e start budget.
import { ServerProcess as BaseServerProcess } from '../../tests/lib/server.mjs'
import { timeouts } from './timeouts.mjs'

export class ServerProcess extends BaseServerProcess {
  /** `args`: extra command-line flags (e.g. `--jwt-secret`, `--turn-url`). */
  constructor(options = {}) {
    super({ requireWebApp: true, startTimeoutMs: timeouts.load, ...options })
  }

  /** Ends the process (SIGKILL: a crash), waiting up to the ui budget before SIGKILL. */
  stop(signal = 'SIGTERM', timeoutMs = timeouts.ui) {
    return super.stop(signal, timeoutMs)
  }
}
