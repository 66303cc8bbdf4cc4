import { describe, expect, it } from 'vitest'
import { pickLocale } from '../src/i18n'
import en from '../src/i18n/en'
import zhCN from '../src/i18n/zh-CN'

const keys = (o: object, prefix = ''): string[] =>
  Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]))

describe('i18n', () => {
  it('defaults from the browser language unless the user chose', () => {
    expect(pickLocale(null, ['zh-TW', 'en'])).toBe('zh-CN')
    expect(pickLocale(null, ['de-DE', 'en-GB'])).toBe('en')
    expect(pickLocale(null, ['fr'])).toBe('en')
    expect(pickLocale('en', ['zh-CN'])).toBe('en')
  })
  it('has every message in both languages', () => {
    expect(keys(zhCN).sort()).toEqual(keys(en).sort())
  })
})
