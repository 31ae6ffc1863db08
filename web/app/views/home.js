// Service status: which parts of the shop answer right now (for people and for checks).
import { api } from "../api.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";

const SERVICES = ["catalog", "checkout", "consult", "returns", "identity"];

async function readiness(service) {
  try {
    await api(`/api/${service}/readyz`);
    return true;
  } catch {
    return false;
  }
}

export async function statusView() {
  const ready = await Promise.all(SERVICES.map(readiness));
  return h(
    "section",
    { class: "status" },
    h("h1", {}, t("home.services")),
    h(
      "ul",
      { class: "status-list" },
      SERVICES.map((service, i) =>
        h("li", { class: ready[i] ? "ok" : "down", dataset: { service } }, `${service}: `,
          h("strong", {}, ready[i] ? t("home.service.ready") : t("home.service.down"))),
      ),
    ),
  );
}
