// The ops dashboard: the returns board by stage, live (the returns service's event stream read
// with fetch, since EventSource cannot send a bearer token), quarantine timers, overdue items,
// charts, and the work area: receive a parcel, inspect, quarantine, record a lot, restock or
// dispose.
import { api, ApiError } from "../api.js";
import { barChart, seriesChart } from "../charts.js";
import { h, replace } from "../dom.js";
import { addMessages, formatDateTime, formatLocale, localized, t } from "../i18n.js";
import { staffSession } from "../session.js";
import { alertBox, field, problemMessage, status } from "../ui.js";

const STAGES = ["requested", "received", "inspected", "quarantined", "sanitizing", "sanitized", "restocked", "refurbished", "donated", "destroyed"];
const MATERIALS = ["fabric", "paper", "cardboard", "leather", "wood", "glass", "plastic", "metal", "other"];
const METHODS = ["steam", "uv_c", "ozone", "disinfectant", "none"];

// How far the returns service's clock runs ahead of real time (its development clock; 0 in
// production). Timers count down from the service's time, not the browser's.
let serviceOffsetMs = 0;
const serviceNow = () => Date.now() + serviceOffsetMs;

function duration(ms) {
  const sign = ms < 0 ? "-" : "";
  let seconds = Math.floor(Math.abs(ms) / 1000);
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  return `${sign}${hours} h ${String(minutes).padStart(2, "0")} min ${String(seconds).padStart(2, "0")} s`;
}

/** A countdown to `until`, refreshed every second while it is on the page. */
function timer(until) {
  const element = h("span", { class: "timer", dataset: { until } });
  const tick = () => {
    const left = new Date(until) - serviceNow();
    element.textContent = left > 0 ? t("ops.releases_in", { time: duration(left) }) : t("ops.released");
    element.className = `timer ${left > 0 ? "" : "ok"}`;
    if (element.isConnected || !element.dataset.started) {
      element.dataset.started = "1";
      setTimeout(tick, 1000);
    }
  };
  tick();
  return element;
}

// The board's throughput covers the last 48 hours, hour by hour, in the browser's time zone.
const BOARD_HOURS = 48;
const boardQuery = () => new URLSearchParams({ hours: String(BOARD_HOURS), tz: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC" }).toString();

async function readStream(token, onBoard, signal) {
  const response = await fetch(`/api/returns/ops/board/stream?${boardQuery()}`, { headers: { Authorization: `Bearer ${token}`, Accept: "text/event-stream" }, signal });
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => ({})));
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block.split("\n").filter((line) => line.startsWith("data:")).map((line) => line.slice(5).trimStart()).join("\n");
      const event = (block.split("\n").find((line) => line.startsWith("event:")) || "event: message").slice(6).trim();
      if (data && event === "board") onBoard(JSON.parse(data));
    }
  }
}

/** A product category by its slug ("robes-ete" -> "robes ete"); lines of older orders carry none
 * and count under their hygiene class, said so. */
function rateGroupLabel(row) {
  if (row.category) return row.category.replaceAll("-", " ");
  return t("ops.hygiene_group", { name: t(`hygiene.${row.hygiene_class}`) });
}

/** Development only: move the service's time forward, or back to real time. */
function devClockCard(clock, token, onChange) {
  const move = async (path, body) => {
    try {
      onChange(await api(`/api/returns/ops/dev-clock/${path}`, { method: "POST", token, body }));
    } catch (error) {
      replace(message, alertBox(problemMessage(error)));
    }
  };
  const message = h("div", { "aria-live": "polite" });
  const offset = clock.offset_seconds || 0;
  return h("section", { class: "card dev-clock", id: "dev-clock" },
    h("h2", {}, t("ops.clock_title")),
    h("p", { class: "muted" }, t("ops.clock_note")),
    h("p", { id: "dev-clock-offset" }, offset ? t("ops.clock_ahead", { time: duration(offset * 1000) }) : t("ops.clock_real")),
    h("div", { class: "actions" },
      h("button", { type: "button", onclick: () => move("advance", { seconds: 3600 }) }, t("ops.clock_plus_1h")),
      h("button", { type: "button", onclick: () => move("advance", { seconds: 86400 }) }, t("ops.clock_plus_24h")),
      h("button", { type: "button", class: "secondary", disabled: !offset, onclick: () => move("reset") }, t("ops.clock_reset"))),
    message);
}

function boardView(board, reasons, { token, redraw }) {
  serviceOffsetMs = (board.dev_clock?.offset_seconds || 0) * 1000;
  const overdueIds = new Set((board.overdue?.items || []).map((item) => item.item_id));
  const overdueByStage = {};
  for (const item of board.overdue?.items || []) overdueByStage[item.state] = (overdueByStage[item.state] || 0) + 1;
  const percent = (value) => `${(value * 100).toLocaleString(formatLocale(), { maximumFractionDigits: 1 })} %`;
  const lots = board.lots || [];
  // Throughput: the service's series (per hour, or per day over longer spans), in this browser's zone.
  const flow = board.throughput || { bucket: "hour", points: [] };
  const bucketLabel = new Intl.DateTimeFormat(formatLocale(), flow.bucket === "day" ? { day: "numeric", month: "short" } : { hour: "2-digit", minute: "2-digit" });
  const throughput = flow.points.map((point) => ({ label: bucketLabel.format(new Date(point.start)), values: point }));
  const throughputSeries = [
    { key: "received", label: t("ops.series_received"), colour: "#0b57d0" },
    { key: "restocked", label: t("ops.series_restocked"), colour: "#1e6b34" },
    { key: "disposed", label: t("ops.series_disposed"), colour: "#8a4b08" },
  ];
  return h("div", { class: "board" },
    h("h2", {}, t("ops.by_stage")),
    h("ol", { class: "stages" }, STAGES.map((stage) =>
      h("li", { class: `stage${overdueByStage[stage] ? " overdue" : ""}`, dataset: { stage } }, h("span", { class: "stage-name" }, t(`item.state.${stage}`)),
        h("strong", { class: "stage-count" }, String(board.counts_by_stage?.[stage] ?? 0)),
        overdueByStage[stage] ? h("span", { class: "stage-overdue" }, t("ops.stage_overdue", { count: overdueByStage[stage] })) : null))),
    h("div", { class: "board-grid" },
      board.dev_clock ? devClockCard(board.dev_clock, token, redraw) : null,
      h("section", { class: "card" },
        h("h2", {}, t("ops.quarantine", { count: board.quarantine?.count ?? 0 })),
        h("p", { class: "muted" }, t("ops.released_waiting", { count: board.quarantine?.released_waiting_for_lot ?? 0 })),
        h("div", { class: "table-wrap" }, h("table", { class: "quarantine" },
          h("thead", {}, h("tr", {}, h("th", {}, t("ops.sku")), h("th", {}, t("ops.until")), h("th", {}, t("ops.timer")))),
          h("tbody", {}, (board.quarantine?.items || []).slice(0, 15).map((item) =>
            h("tr", { dataset: { item: item.item_id }, class: overdueIds.has(item.item_id) ? "overdue" : "" },
              h("td", {}, item.sku), h("td", {}, formatDateTime(item.quarantined_until)), h("td", {}, timer(item.quarantined_until)))))))),
      h("section", { class: "card overdue-card" },
        h("h2", {}, t("ops.overdue", { count: board.overdue?.count ?? 0 })),
        (board.overdue?.items || []).length
          ? h("ul", { class: "plain overdue-list" }, board.overdue.items.map((item) =>
            h("li", { class: "overdue", dataset: { item: item.item_id } }, h("strong", {}, "⚠ "), `${item.sku} — ${t(`item.state.${item.state}`)}`,
              item.since ? ` · ${t("ops.since", { date: formatDateTime(item.since) })}` : "")))
          : h("p", { class: "ok" }, t("ops.none_overdue"))),
      h("section", { class: "card" }, h("h2", {}, t("ops.chart_reason")),
        barChart(t("ops.chart_reason"), Object.entries(board.return_rate_by_reason || {}).map(([code, row]) => ({ label: localized(reasons[code]) || code, value: row.returned })))),
      h("section", { class: "card" }, h("h2", {}, t("ops.chart_category")),
        barChart(t("ops.chart_category"), Object.values(board.return_rate_by_category || {}).map((row) => ({ label: rateGroupLabel(row), value: row.rate })), { format: percent, colour: "#8a4b08" }),
        h("p", { class: "muted" }, t("ops.category_note"))),
      h("section", { class: "card throughput" }, h("h2", {}, t("ops.chart_throughput")),
        seriesChart(t("ops.chart_throughput"), throughput, throughputSeries),
        h("p", { class: "muted" }, t(flow.bucket === "day" ? "ops.throughput_note_days" : "ops.throughput_note_hours", { hours: BOARD_HOURS }))),
      h("section", { class: "card" }, h("h2", {}, t("ops.lots")),
        h("ul", { class: "plain" }, lots.slice(0, 8).map((lot) =>
          h("li", {}, `${lot.lot_code} · ${t(`method.${lot.method}`)} · `, h("strong", { class: lot.status === "failed" ? "bad" : "ok" }, t(`lot.${lot.status}`)),
            ` · ${lot.items} · ${lot.operator_initials}`))))),
    h("p", { class: "muted" }, t("ops.updated", { date: formatDateTime(board.generated_at) })));
}

function itemActions(item, token, refresh, selection) {
  const call = async (path, body) => {
    try {
      await api(`/api/returns/ops/items/${item.item_id}/${path}`, { method: "POST", body, token });
      await refresh();
    } catch (error) {
      await refresh(alertBox(`${item.sku} : ${problemMessage(error)}`));
    }
  };
  const actions = [];
  if (item.state === "received") {
    const grade = h("select", { "aria-label": t("ops.grade_of", { sku: item.sku }) }, ["A", "B", "C", "damaged"].map((value) => h("option", { value }, t(`grade.${value}`))));
    const material = h("select", { "aria-label": t("ops.material_of", { sku: item.sku }) }, MATERIALS.map((value) => h("option", { value }, t(`material.${value}`))));
    const seal = item.hygiene_class === "sealed_hygiene" ? h("input", { type: "checkbox", checked: true, "aria-label": t("ops.seal_of", { sku: item.sku }) }) : null;
    actions.push(grade, material, seal, h("button", { type: "button", onclick: () => call("inspection", { grade: grade.value, material: material.value, ...(seal ? { seal_intact: seal.checked } : {}) }) }, t("ops.inspect")));
  }
  if (item.state === "inspected") actions.push(h("button", { type: "button", onclick: () => call("quarantine") }, t("ops.quarantine_action")));
  if (item.state === "quarantined") {
    const box = h("input", { type: "checkbox", checked: selection.has(item.item_id), "aria-label": t("ops.select_for_lot", { sku: item.sku }),
      onchange: () => (box.checked ? selection.add(item.item_id) : selection.delete(item.item_id)) });
    actions.push(h("label", {}, box, ` ${t("ops.in_lot")}`));
  }
  if (item.state === "sanitized") actions.push(h("button", { type: "button", onclick: () => call("restock") }, t("ops.restock")));
  if (["inspected", "quarantined", "sanitized"].includes(item.state)) {
    const disposition = h("select", { "aria-label": t("ops.disposition_of", { sku: item.sku }) }, ["refurbish", "donate", "destroy"].map((value) => h("option", { value }, t(`disposition.${value}`))));
    actions.push(disposition, h("button", { type: "button", class: "secondary", onclick: () => call("disposition", { disposition: disposition.value }) }, t("ops.dispose")));
  }
  return actions;
}

function workArea(token) {
  const rma = field(t("ops.rma"), h("input", { name: "rma", autocomplete: "off", required: true }));
  const area = h("div", { "aria-live": "polite" });
  let current = null;
  const selection = new Set();
  const refresh = async (notice) => {
    if (!current) return;
    const items = await api(`/api/returns/ops/returns/${encodeURIComponent(current)}`, { token });
    const method = h("select", { id: "lot-method" }, METHODS.map((value) => h("option", { value }, t(`method.${value}`))));
    const passed = h("select", { id: "lot-result" }, h("option", { value: "true" }, t("lot.passed")), h("option", { value: "false" }, t("lot.failed")));
    const quarantined = items.filter((item) => item.state === "quarantined");
    replace(area,
      notice,
      h("h3", {}, t("ops.return_items", { rma: current })),
      h("div", { class: "table-wrap" }, h("table", { class: "work-items" },
        h("thead", {}, h("tr", {}, [t("ops.sku"), t("ops.state"), t("ops.details"), t("ops.actions")].map((label) => h("th", {}, label)))),
        h("tbody", {}, items.map((item) =>
          h("tr", { dataset: { item: item.item_id, state: item.state }, class: item.overdue ? "overdue" : "" },
            h("td", {}, item.sku),
            h("td", {}, h("strong", {}, t(`item.state.${item.state}`)), item.overdue ? h("span", { class: "item-overdue" }, ` ${t("ops.item_overdue")}`) : null),
            h("td", {}, [item.grade ? t("return.grade", { grade: item.grade }) : null, item.material ? t(`material.${item.material}`) : null,
              item.quarantined_until && item.state !== "restocked" ? timer(item.quarantined_until) : null,
              item.certificate_id ? h("a", { href: `/certificats/${item.certificate_id}`, "data-link": true }, item.certificate_id) : null]
              .filter(Boolean).flatMap((part, i) => (i ? [" · ", part] : [part]))),
            h("td", { class: "actions" }, itemActions(item, token, refresh, selection))))))),
      quarantined.length
        ? h("form", {
          class: "card lot-form",
          onsubmit: async (event) => {
            event.preventDefault();
            const ids = quarantined.map((item) => item.item_id).filter((id) => selection.has(id));
            if (!ids.length) return refresh(alertBox(t("ops.lot_empty")));
            try {
              // No times sent: the service stamps the lot with its own clock (development clock included).
              await api("/api/returns/ops/lots", { method: "POST", token, body: { item_ids: ids, method: method.value, parameters: {}, passed: passed.value === "true" } });
              ids.forEach((id) => selection.delete(id));
              await refresh(h("p", { class: "ok", role: "status" }, t("ops.lot_recorded")));
            } catch (error) {
              await refresh(alertBox(problemMessage(error)));
            }
          },
        }, h("h3", {}, t("ops.record_lot")),
        h("div", { class: "field inline" }, h("label", { for: "lot-method" }, t("ops.method")), method, h("label", { for: "lot-result" }, t("ops.result")), passed),
        h("button", { type: "submit" }, t("ops.record_lot")))
        : null);
  };
  return h("section", { class: "card work-area" },
    h("h2", {}, t("ops.work")),
    h("form", {
      class: "form",
      onsubmit: async (event) => {
        event.preventDefault();
        current = rma.input.value.trim().toUpperCase();
        replace(area, status());
        try {
          await api("/api/returns/ops/receipts", { method: "POST", token, body: { rma_number: current } });
          await refresh(h("p", { class: "ok", role: "status" }, t("ops.received")));
        } catch (error) {
          // Already received: just open it.
          if (error.status === 409) await refresh().catch((again) => replace(area, alertBox(problemMessage(again))));
          else replace(area, alertBox(problemMessage(error)));
        }
      },
    }, rma.wrap, h("button", { type: "submit" }, t("ops.receive"))),
    area);
}

export async function opsView() {
  const session = staffSession();
  if (!session || !session.roles.some((role) => role === "ops" || role === "admin")) {
    return h("section", {}, h("h1", {}, t("ops.title")), alertBox(t("ops.sign_in")),
      h("a", { href: "/staff?next=/ops", "data-link": true }, t("staff.login.title")));
  }
  const reasons = await api("/api/returns/reason-codes");
  const boardSlot = h("div", {}, status());
  const live = h("p", { class: "live", role: "status", id: "live-status" }, t("ops.connecting"));
  const page = h("section", { class: "ops-page" }, h("h1", {}, t("ops.title")), live, workArea(session.token), boardSlot);
  const controller = new AbortController();
  const fetchBoard = () => api(`/api/returns/ops/board?${boardQuery()}`, { token: session.token });
  // After a move of the development clock the stream sends a new board too; fetching it at once
  // keeps the card in step even if the stream is reconnecting.
  const draw = (board) => replace(boardSlot, boardView(board, reasons, { token: session.token, redraw: async () => draw(await fetchBoard()) }));
  draw(await fetchBoard());
  // Stop the feed once the page is left (checked every few seconds; the stream itself is open).
  let seen = false;
  const watch = setInterval(() => {
    if (page.isConnected) seen = true;
    else if (seen) {
      controller.abort();
      clearInterval(watch);
    }
  }, 3000);
  (async () => {
    // Reconnect for as long as the page is shown; the server ends each stream after a while.
    let failures = 0;
    while (!controller.signal.aborted) {
      try {
        live.textContent = t("ops.live");
        live.className = "live on";
        await readStream(session.token, (board) => { failures = 0; draw(board); }, controller.signal);
      } catch {
        failures += 1;
        live.textContent = t("ops.offline");
        live.className = "live off";
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000 * failures, 15000)));
    }
  })();
  return page;
}

addMessages({
  fr: {
    "ops.title": "Tableau des retours",
    "ops.sign_in": "Connectez-vous avec un compte des opérations.",
    "ops.connecting": "Connexion au flux en direct…",
    "ops.live": "● En direct",
    "ops.offline": "Flux interrompu, reconnexion…",
    "ops.by_stage": "Articles par étape",
    "ops.quarantine": "En quarantaine ({count})",
    "ops.released_waiting": "{count} libéré(s) en attente d'un lot",
    "ops.sku": "Article", "ops.until": "Fin", "ops.timer": "Minuterie", "ops.state": "État", "ops.details": "Détails", "ops.actions": "Actions",
    "ops.releases_in": "libéré dans {time}",
    "ops.released": "libéré",
    "ops.overdue": "En retard ({count})",
    "ops.since": "depuis le {date}",
    "ops.none_overdue": "Rien en retard.",
    "ops.stage_overdue": "⚠ {count} en retard",
    "ops.item_overdue": "⚠ en retard",
    "ops.chart_reason": "Retours par motif",
    "ops.chart_category": "Taux de retour par catégorie",
    "ops.category_note": "Catégorie principale du produit ; les commandes plus anciennes, sans catégorie, comptent par classe d'hygiène.",
    "ops.hygiene_group": "hygiène : {name}",
    "ops.chart_throughput": "Débit : articles reçus, remis en vente et sortis",
    "ops.throughput_note_hours": "Par heure, sur les {hours} dernières heures (registre du service). Sortis : remis à neuf, donnés ou détruits.",
    "ops.throughput_note_days": "Par jour (registre du service). Sortis : remis à neuf, donnés ou détruits.",
    "ops.series_received": "reçus", "ops.series_restocked": "remis en vente", "ops.series_disposed": "sortis",
    "ops.lots": "Derniers lots",
    "ops.updated": "Mis à jour le {date}",
    "ops.work": "Traiter un colis",
    "ops.rma": "Numéro de retour (RMA)",
    "ops.receive": "Recevoir / ouvrir",
    "ops.received": "Colis reçu.",
    "ops.return_items": "Articles du retour {rma}",
    "ops.grade_of": "Catégorie de {sku}", "ops.material_of": "Matière de {sku}", "ops.seal_of": "Scellé intact pour {sku}",
    "ops.inspect": "Inspecter",
    "ops.quarantine_action": "Mettre en quarantaine",
    "ops.select_for_lot": "Ajouter {sku} au lot",
    "ops.in_lot": "dans le lot",
    "ops.restock": "Remettre en vente",
    "ops.disposition_of": "Sort de {sku}",
    "ops.dispose": "Appliquer",
    "ops.record_lot": "Enregistrer un lot d'assainissement",
    "ops.method": "Méthode",
    "ops.result": "Résultat",
    "ops.lot_empty": "Cochez au moins un article en quarantaine.",
    "ops.lot_recorded": "Lot enregistré.",
    "lot.passed": "réussi", "lot.failed": "échoué", "lot.open": "en cours",
    "grade.A": "A (comme neuf)", "grade.B": "B (bon)", "grade.C": "C (usé)", "grade.damaged": "endommagé",
    "disposition.refurbish": "remettre à neuf", "disposition.donate": "donner", "disposition.destroy": "détruire",
    "hygiene.standard": "standard", "hygiene.cleanable": "nettoyable", "hygiene.sealed_hygiene": "scellé (hygiène)",
    "ops.clock_title": "Horloge de développement",
    "ops.clock_note": "Avance l'heure du service des retours (quarantaines, retards, dates du registre). Développement seulement.",
    "ops.clock_real": "Heure réelle.",
    "ops.clock_ahead": "En avance de {time} sur l'heure réelle.",
    "ops.clock_plus_1h": "+1 h", "ops.clock_plus_24h": "+24 h",
    "ops.clock_reset": "Revenir à l'heure réelle",
  },
  en: {
    "ops.title": "Returns board",
    "ops.sign_in": "Sign in with an operations account.",
    "ops.connecting": "Connecting to the live feed…",
    "ops.live": "● Live",
    "ops.offline": "Feed interrupted, reconnecting…",
    "ops.by_stage": "Items by stage",
    "ops.quarantine": "In quarantine ({count})",
    "ops.released_waiting": "{count} released, waiting for a lot",
    "ops.sku": "Item", "ops.until": "Ends", "ops.timer": "Timer", "ops.state": "State", "ops.details": "Details", "ops.actions": "Actions",
    "ops.releases_in": "released in {time}",
    "ops.released": "released",
    "ops.overdue": "Overdue ({count})",
    "ops.since": "since {date}",
    "ops.none_overdue": "Nothing overdue.",
    "ops.stage_overdue": "⚠ {count} overdue",
    "ops.item_overdue": "⚠ overdue",
    "ops.chart_reason": "Returns by reason",
    "ops.chart_category": "Return rate by category",
    "ops.category_note": "The product's main category; older orders, without one, count by hygiene class.",
    "ops.hygiene_group": "hygiene: {name}",
    "ops.chart_throughput": "Throughput: items received, restocked and disposed",
    "ops.throughput_note_hours": "Per hour, over the last {hours} hours (the service's ledger). Disposed: refurbished, donated or destroyed.",
    "ops.throughput_note_days": "Per day (the service's ledger). Disposed: refurbished, donated or destroyed.",
    "ops.series_received": "received", "ops.series_restocked": "restocked", "ops.series_disposed": "disposed",
    "ops.lots": "Latest lots",
    "ops.updated": "Updated {date}",
    "ops.work": "Process a parcel",
    "ops.rma": "Return number (RMA)",
    "ops.receive": "Receive / open",
    "ops.received": "Parcel received.",
    "ops.return_items": "Items of return {rma}",
    "ops.grade_of": "Grade of {sku}", "ops.material_of": "Material of {sku}", "ops.seal_of": "Seal intact for {sku}",
    "ops.inspect": "Inspect",
    "ops.quarantine_action": "Quarantine",
    "ops.select_for_lot": "Add {sku} to the lot",
    "ops.in_lot": "in the lot",
    "ops.restock": "Restock",
    "ops.disposition_of": "Disposition of {sku}",
    "ops.dispose": "Apply",
    "ops.record_lot": "Record a sanitization lot",
    "ops.method": "Method",
    "ops.result": "Result",
    "ops.lot_empty": "Tick at least one item in quarantine.",
    "ops.lot_recorded": "Lot recorded.",
    "lot.passed": "passed", "lot.failed": "failed", "lot.open": "open",
    "grade.A": "A (as new)", "grade.B": "B (good)", "grade.C": "C (worn)", "grade.damaged": "damaged",
    "disposition.refurbish": "refurbish", "disposition.donate": "donate", "disposition.destroy": "destroy",
    "hygiene.standard": "standard", "hygiene.cleanable": "cleanable", "hygiene.sealed_hygiene": "sealed (hygiene)",
    "ops.clock_title": "Development clock",
    "ops.clock_note": "Moves the returns service's time forward (quarantines, overdue items, ledger dates). Development only.",
    "ops.clock_real": "Real time.",
    "ops.clock_ahead": "{time} ahead of real time.",
    "ops.clock_plus_1h": "+1 h", "ops.clock_plus_24h": "+24 h",
    "ops.clock_reset": "Back to real time",
  },
});
