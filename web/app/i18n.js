// Language, money and dates. French (fr-CA) is the default; the choice is remembered.
import { addMessages, messages } from "./messages.js";

export { addMessages };

const STORAGE_KEY = "vitrine.locale";
export const LOCALES = ["fr-CA", "en"];
let locale = LOCALES.includes(localStorage.getItem(STORAGE_KEY)) ? localStorage.getItem(STORAGE_KEY) : "fr-CA";
const listeners = new Set();

export function currentLocale() {
  return locale;
}

export function language() {
  return locale.startsWith("fr") ? "fr" : "en";
}

export function setLocale(next) {
  if (!LOCALES.includes(next) || next === locale) return;
  locale = next;
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
  listeners.forEach((listener) => listener(next));
}

export function onLocaleChange(listener) {
  listeners.add(listener);
}

/** The message for `key` in the current language, with {name} placeholders filled. */
export function t(key, params = {}) {
  const text = messages[language()][key] ?? messages.fr[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}

/** A bilingual value from an API ({fr, en}) in the current language. */
export function localized(value) {
  if (value == null || typeof value === "string") return value ?? "";
  return value[language()] ?? value.fr ?? value.en ?? "";
}

// Canadian formats for both languages: "12,99 $" and "$12.99" (plain "en" would write "CA$12.99").
export function formatLocale() {
  return locale === "en" ? "en-CA" : locale;
}

export function formatMoney(minor, currency = "CAD") {
  return new Intl.NumberFormat(formatLocale(), { style: "currency", currency }).format(minor / 100);
}

export function timeZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function formatDateTime(iso, zone = timeZone()) {
  return new Intl.DateTimeFormat(formatLocale(), { dateStyle: "medium", timeStyle: "short", timeZone: zone }).format(
    new Date(iso),
  );
}

document.documentElement.lang = locale;
