// The signed-in staff member, if any. The token lives in sessionStorage: it ends with the tab.
const KEY = "vitrine.staff";

export function staffSession() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY));
  } catch {
    return null;
  }
}

export function saveStaffSession(session) {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearStaffSession() {
  sessionStorage.removeItem(KEY);
}
