import { computed } from 'vue';
import { createI18n } from 'vue-i18n';
import zhCn from 'element-plus/es/locale/lang/zh-cn';
import enLocale from 'element-plus/es/locale/lang/en';
import { messages, type Locale } from './messages';

const STORAGE = 'campaign-platform-locale';
const saved = localStorage.getItem(STORAGE);

/** Simplified Chinese unless the user switched to English (remembered in this browser). */
export const i18n = createI18n({
  legacy: false,
  locale: saved === 'en' ? 'en' : 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages,
});

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  localStorage.setItem(STORAGE, locale);
  document.documentElement.lang = locale;
}

/** Element Plus's own words (pagination, date pickers) follow the same switch. */
export const elementLocale = computed(() => (i18n.global.locale.value === 'en' ? enLocale : zhCn));

/** An API error in the user's language: the code's translation, else the API's own message. */
export function errorText(error: { code?: string; message?: string } | unknown): string {
  const e = error as { code?: string; message?: string };
  const key = `errors.${e?.code ?? ''}`;
  return e?.code && i18n.global.te(key) ? i18n.global.t(key) : (e?.message ?? String(error));
}
