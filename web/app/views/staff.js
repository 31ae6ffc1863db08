import { api } from "../api.js";
import { h, replace } from "../dom.js";
import { t } from "../i18n.js";
import { navigate } from "../router.js";
import { clearStaffSession, saveStaffSession, staffSession } from "../session.js";

function signedIn(session, container) {
  return h(
    "section",
    { class: "staff" },
    h("h1", {}, t("staff.login.welcome", { name: session.name })),
    h("p", {}, t("staff.roles", { roles: session.roles.join(", ") })),
    h("ul", { class: "plain staff-links" },
      session.roles.some((role) => role === "ops" || role === "admin")
        ? h("li", {}, h("a", { href: "/ops", "data-link": true }, t("staff.go_ops"))) : null,
      session.roles.some((role) => role === "advisor" || role === "admin")
        ? h("li", {}, h("a", { href: "/conseillers", "data-link": true }, t("staff.go_advisor"))) : null),
    h("button", {
      type: "button",
      onclick: () => {
        clearStaffSession();
        replace(container, loginForm(container));
      },
    }, t("staff.logout")),
  );
}

function loginForm(container) {
  const error = h("p", { class: "alert", role: "alert", hidden: true });
  const email = h("input", { id: "staff-email", name: "email", type: "email", autocomplete: "username", required: true });
  const password = h("input", {
    id: "staff-password", name: "password", type: "password", autocomplete: "current-password", required: true,
  });
  const submit = h("button", { type: "submit" }, t("staff.login.submit"));
  const form = h(
    "form",
    {
      class: "card form",
      onsubmit: async (event) => {
        event.preventDefault();
        submit.disabled = true;
        error.hidden = true;
        try {
          const token = await api("/api/identity/tokens", {
            method: "POST",
            body: { email: email.value, password: password.value },
          });
          const session = { token: token.access_token, name: token.name, roles: token.roles };
          saveStaffSession(session);
          const next = new URL(location.href).searchParams.get("next");
          if (next && next.startsWith("/") && !next.startsWith("//")) navigate(next);
          else replace(container, signedIn(session, container));
        } catch (problem) {
          error.textContent = problem.status === 401 ? t("staff.login.failed") : problem.message;
          error.hidden = false;
        } finally {
          submit.disabled = false;
        }
      },
    },
    h("h1", {}, t("staff.login.title")),
    h("label", { for: "staff-email" }, t("staff.login.email")), email,
    h("label", { for: "staff-password" }, t("staff.login.password")), password,
    error,
    submit,
  );
  return form;
}

export async function staffView() {
  const container = h("div", {});
  const session = staffSession();
  replace(container, session ? signedIn(session, container) : loginForm(container));
  return container;
}
